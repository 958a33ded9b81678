"""Buyers of the day: real Chinese regions and streets, unique mobiles, foreign buyers abroad,
and each buyer's id as every platform writes it. Nothing grows with the size of the day
beyond a bounded pool of street lines per district."""

from __future__ import annotations

import base64
import random
from itertools import accumulate
from typing import NamedTuple

from benchmarks.double11.sampling import pick
from orderhub.demo.geography import CN_REGION_WEIGHTS, CN_REGIONS, cn_street
from orderhub.demo.people import Crowd, chinese_name
from orderhub.demo.world import INTL_CITIES, IntlCity

# fmt: off
_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "172", "173", "175", "176", "177", "178",
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
    "191", "198", "199",
)
# fmt: on
_SPACE = len(_PREFIXES) * 10**8
_STEP = 2_654_435_761  # prime, coprime with the spaces below: key -> number is a bijection
_ID_SPACE = 2**120  # buyer ids: 15 bytes, 20 base64 characters
_REGIONS = list(CN_REGIONS)
_CROWD_RENEWAL = 5_000  # a Crowd remembers its phones; start a new one now and then
_STREETS_PER_DISTRICT = 1_024  # then streets are drawn again from those already made


class Buyer(NamedTuple):
    """A buyer and their receiver address (one per buyer, whatever the shop)."""

    key: int
    name: str
    phone: str
    country: str
    province: str
    city: str
    district: str
    street: str
    postcode: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""


def _mobile(key: int, offset: int) -> str:
    """The mainland mobile of buyer `key`: distinct keys never share a number."""
    n = (key * _STEP + offset) % _SPACE
    return f"{_PREFIXES[n // 10**8]}{n % 10**8:08d}"


class Buyers:
    """Makes buyers from one random stream; keys count up from 1."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self._rng = rng
        self._offset = rng.randrange(_SPACE)
        self._salt = rng.randrange(_ID_SPACE)
        self._key = 0
        self._regions = list(accumulate(CN_REGION_WEIGHTS))
        self._streets: dict[str, list[str]] = {}
        self._crowd = Crowd(rng)
        self._foreign = 0
        self._cities: dict[tuple[tuple[str, float], ...], tuple[list[IntlCity], list[float]]] = {}

    def chinese(self) -> Buyer:
        rng = self._rng
        self._key += 1
        province, city, district, postcode = pick(_REGIONS, self._regions, rng)
        return Buyer(
            self._key,
            chinese_name(rng),
            _mobile(self._key, self._offset),
            "CN",
            province,
            city,
            district,
            self._street(province, district),
            postcode,
        )

    def _street(self, province: str, district: str) -> str:
        """A street of the district: new ones at first, then one of those (bounded memory)."""
        made = self._streets.setdefault(province + district, [])
        if len(made) < _STREETS_PER_DISTRICT:
            made.append(cn_street(self._rng, province, district))
            return made[-1]
        return made[int(self._rng.random() * _STREETS_PER_DISTRICT)]

    def foreign(self, countries: tuple[tuple[str, float], ...]) -> Buyer:
        cities, cum = self._cities.get(countries) or self._cities_of(countries)
        city = pick(cities, cum, self._rng)
        self._foreign += 1
        if self._foreign % _CROWD_RENEWAL == 0:
            self._crowd = Crowd(self._rng)
        self._key += 1
        p = self._crowd.foreign(city)
        a = p.address
        return Buyer(self._key, a.name, a.phone, a.country, a.province, a.city, a.district,
                     a.street, a.postcode, p.first_name, p.last_name, p.email or "")  # fmt: skip

    def _cities_of(
        self, countries: tuple[tuple[str, float], ...]
    ) -> tuple[list[IntlCity], list[float]]:
        share = dict(countries)
        cities = [c for c in INTL_CITIES if c.country in share]
        totals: dict[str, float] = {}
        for c in cities:
            totals[c.country] = totals.get(c.country, 0.0) + c.weight
        weights = [share[c.country] * c.weight / totals[c.country] for c in cities]
        self._cities[countries] = (cities, list(accumulate(weights)))
        return self._cities[countries]

    def buyer_id(self, platform: str, key: int) -> str:
        """The buyer's id on a platform: TOP open uid (one app serves Taobao and Tmall), JD
        open id, 抖店 open id, the shops' own customer numbers; distinct per buyer."""
        if platform == "shopify":
            return str(7_310_000_000_000 + key * 37)
        if platform == "woocommerce":
            return str(1_200 + key)
        n = (key * _STEP + self._salt + _FAMILY[platform]) % _ID_SPACE
        text = base64.urlsafe_b64encode(n.to_bytes(15, "big")).decode()
        if platform in ("taobao", "tmall"):
            return "AAH" + text
        if platform == "jd":
            return f"jd_{n % 16**13:013x}"
        return text


_FAMILY = {"taobao": 0, "tmall": 0, "jd": 1_000_003, "pdd": 2_000_003, "douyin": 3_000_017}
