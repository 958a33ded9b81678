"""Demo people: Chinese and foreign buyers with names, phones, e-mails and addresses."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import accumulate, count

from orderhub.demo.geography import (
    CN_REGION_WEIGHTS,
    cn_business_street,
    cn_street,
    pick_cn_region,
)
from orderhub.demo.world import INTL_CITIES, IntlCity, fill_pattern, intl_street
from orderhub.orders.domain import Address

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
_GIVEN = (
    "子梓浩宇欣怡涵轩雨思嘉俊文佳晨一诗博紫可雅昊然婷睿泽萱琪悦瑶鑫鹏辉斌磊杰丽敏静娜伟强芳军涛"
    "明超华平红霞玲燕丹亮峰飞凯波健颖秀英桂兰志刚建国海燕晓东雪梅春"
)
# fmt: off
# Mainland mobile prefixes of China Mobile, Unicom, Telecom and Broadnet.
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "172", "173", "175", "176", "177", "178",
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
    "190", "191", "192", "193", "195", "196", "197", "198", "199",
)
_EN_FIRST = ("James", "Emily", "Michael", "Olivia", "Daniel", "Sophia", "Ethan", "Chloe", "Ryan",
             "Grace", "Jacob", "Hannah", "Lucas", "Ava", "Noah", "Mia", "Liam", "Zoe")
_EN_LAST = ("Smith", "Johnson", "Brown", "Taylor", "Wilson", "Martin", "Thompson", "White",
            "Walker", "Harris", "Clark", "Lewis", "Young", "Hall", "Wright", "Chen", "Nguyen",
            "Kim", "Patel", "Wong")
_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "DE": (("Lukas", "Anna", "Felix", "Lena", "Jonas", "Marie", "Paul", "Laura", "Leon", "Sophie"),
           ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
            "Hoffmann", "Schäfer")),
    "FR": (("Louis", "Camille", "Hugo", "Léa", "Jules", "Manon", "Gabriel", "Chloé", "Arthur",
            "Inès"),
           ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
            "Lefèvre", "Moreau")),
    "JP": (("Haruto", "Yui", "Sota", "Hina", "Yuto", "Aoi", "Ren", "Sakura", "Riku", "Mei"),
           ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
            "Kobayashi", "Kato")),
}
_MAIL_DOMAINS: dict[str, tuple[str, ...]] = {
    "US": ("gmail.com", "yahoo.com", "outlook.com", "icloud.com"),
    "CA": ("gmail.com", "outlook.com", "shaw.ca"),
    "GB": ("gmail.com", "outlook.com", "btinternet.com"),
    "DE": ("gmx.de", "web.de", "gmail.com", "t-online.de"),
    "FR": ("orange.fr", "free.fr", "gmail.com", "laposte.net"),
    "JP": ("yahoo.co.jp", "gmail.com", "docomo.ne.jp"),
    "AU": ("gmail.com", "bigpond.com", "outlook.com"),
}
_COMPANY_WORDS = ("悦衣坊", "锦程", "衣品汇", "潮品", "优选", "恒信", "华联", "百汇", "新概念",
                  "宏达", "嘉禾", "尚品", "万家", "启航")
_COMPANY_KINDS = ("服饰有限公司", "贸易有限公司", "商贸有限公司", "百货有限公司", "电子商务有限公司")
# fmt: on


@dataclass(frozen=True, slots=True)
class Person:
    """A buyer as a receiver: one name, phone and address whatever shop they buy from."""

    key: int
    address: Address
    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    utc_offset: int = 8
    company: str = ""

    @property
    def name(self) -> str:
        return self.address.name

    @property
    def phone(self) -> str:
        return self.address.phone


def chinese_name(rng: random.Random) -> str:
    surname = rng.choice(_COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(_SURNAMES)
    given = rng.choice(_GIVEN)
    if rng.random() < 0.72:
        given += rng.choice(_GIVEN)
    return surname + given


def cn_mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number with a real carrier prefix."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


def cities_of(countries: dict[str, float]) -> tuple[list[IntlCity], list[float]]:
    """Cities of the given countries with weights scaled by each country's share."""
    cities = [c for c in INTL_CITIES if c.country in countries]
    totals: dict[str, float] = {}
    for c in cities:
        totals[c.country] = totals.get(c.country, 0.0) + c.weight
    return cities, [countries[c.country] * c.weight / totals[c.country] for c in cities]


class Crowd:
    """Makes people with unique keys and phone numbers, so a phone identifies one person."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._keys = count(1)
        self._phones: set[str] = set()
        self._region_weights = list(accumulate(CN_REGION_WEIGHTS))

    def _phone(self, make: Callable[[], str]) -> str:
        phone = make()
        while phone in self._phones:
            phone = make()
        self._phones.add(phone)
        return phone

    def chinese(self) -> Person:
        rng = self._rng
        province, city, district, postcode = pick_cn_region(rng, self._region_weights)
        address = Address(
            name=chinese_name(rng),
            phone=self._phone(lambda: cn_mobile(rng)),
            country="CN",
            province=province,
            city=city,
            district=district,
            street=cn_street(rng, province, district),
            postcode=postcode,
        )
        return Person(next(self._keys), address)

    def foreign(self, city: IntlCity) -> Person:
        rng = self._rng
        firsts, lasts = _NAMES.get(city.country, (_EN_FIRST, _EN_LAST))
        first, last = rng.choice(firsts), rng.choice(lasts)
        sep = rng.choice((".", "", "_"))
        tail = str(rng.randint(1, 99)) if rng.random() < 0.5 else ""
        domain = rng.choice(_MAIL_DOMAINS[city.country])
        address = Address(
            name=f"{first} {last}",
            phone=self._phone(lambda: fill_pattern(rng, city.phone)),
            country=city.country,
            province=city.region,
            city=city.city,
            street=intl_street(rng, city),
            postcode=fill_pattern(rng, city.postcode),
        )
        email = f"{_ascii(first)}{sep}{_ascii(last)}{tail}@{domain}"
        return Person(next(self._keys), address, first, last, email, city.utc_offset)

    def company(self) -> Person:
        """A wholesale customer: a company with a contact person at its business address."""
        rng = self._rng
        contact = self.chinese()
        city, district = contact.address.city, contact.address.district
        short = (district if "自治州" in city else city).removesuffix("市")
        company = short + rng.choice(_COMPANY_WORDS) + rng.choice(_COMPANY_KINDS)
        address = replace(contact.address, street=cn_business_street(rng, district))
        return replace(contact, address=address, company=company)
