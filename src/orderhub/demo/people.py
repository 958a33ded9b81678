"""Demo people: Chinese and foreign buyers with names, phones, e-mails, addresses and platform ids."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from orderhub.demo.geography import (
    CN_REGION_WEIGHTS,
    INTL_CITIES,
    IntlCity,
    cn_street,
    fill_pattern,
    intl_street,
    pick_cn_region,
)
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
# Mainland mobile prefixes (China Mobile, Unicom, Telecom, Broadnet).
_MOBILE_PREFIXES = (
    tuple(f"13{d}" for d in range(10)) + ("150", "151", "152", "153", "155", "156", "157",
    "158", "159", "166", "172", "173", "175", "176", "177", "178", "180", "181", "182", "183",
    "184", "185", "186", "187", "188", "189", "190", "191", "192", "193", "195", "196", "197",
    "198", "199")
)

_EN_FIRST = ("James", "Emily", "Michael", "Olivia", "Daniel", "Sophia", "Ethan", "Chloe",
             "Ryan", "Grace", "Jacob", "Hannah", "Lucas", "Ava", "Noah", "Mia", "Liam", "Zoe")
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
_NICK_WORDS = ("小", "爱", "快乐", "阳光", "追风", "喵", "柠檬", "星星", "晴天", "豆豆", "糖果", "咸鱼")
_NICK_TAILS = ("购物狂", "的小店", "宝宝", "酱", "同学", "不吃辣", "在路上", "要努力", "爱生活")


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


def cn_person(rng: random.Random, key: int, cum_weights: list[float]) -> Person:
    province, city, district, postcode = pick_cn_region(rng, cum_weights)
    address = Address(
        name=chinese_name(rng), phone=cn_mobile(rng), country="CN", province=province,
        city=city, district=district, street=cn_street(rng, province, district), postcode=postcode,
    )
    return Person(key, address)


def cn_region_cum_weights() -> list[float]:
    total, out = 0.0, []
    for weight in CN_REGION_WEIGHTS:
        total += weight
        out.append(total)
    return out


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


def intl_person(rng: random.Random, key: int, city: IntlCity) -> Person:
    firsts, lasts = _NAMES.get(city.country, (_EN_FIRST, _EN_LAST))
    first, last = rng.choice(firsts), rng.choice(lasts)
    sep = rng.choice((".", "", "_"))
    tail = str(rng.randint(1, 99)) if rng.random() < 0.5 else ""
    email = f"{_ascii(first)}{sep}{_ascii(last)}{tail}@{rng.choice(_MAIL_DOMAINS[city.country])}"
    address = Address(
        name=f"{first} {last}", phone=fill_pattern(rng, city.phone), country=city.country,
        province=city.region, city=city.city, street=intl_street(rng, city.country),
        postcode=fill_pattern(rng, city.postcode),
    )
    return Person(key, address, first, last, email, city.utc_offset)


def cities_of(countries: dict[str, float]) -> tuple[list[IntlCity], list[float]]:
    """Cities of the given countries with weights scaled by each country's share."""
    cities = [c for c in INTL_CITIES if c.country in countries]
    totals: dict[str, float] = {}
    for c in cities:
        totals[c.country] = totals.get(c.country, 0.0) + c.weight
    return cities, [countries[c.country] * c.weight / totals[c.country] for c in cities]


def _hex(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


def _open_uid(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "AA" + "".join(rng.choice(alphabet) for _ in range(22))


def _cn_nick(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return rng.choice(_NICK_WORDS) + rng.choice(_NICK_TAILS) + str(rng.randint(1, 999))
    return f"tb{rng.randrange(10**9, 10**10)}"


def _identity(rng: random.Random, platform: str, person: Person) -> tuple[str, str]:
    """A fresh (buyer_id, nick) for a person on a platform, shaped like that platform's ids."""
    if platform in ("tmall", "taobao"):
        return _open_uid(rng), _cn_nick(rng)
    if platform == "jd":
        return f"jd_{_hex(rng, 13)}", f"jd_{_hex(rng, 6)}{rng.randint(10, 99)}"
    if platform == "pdd":
        return str(rng.randrange(10**10, 10**11)), f"pdd{rng.randrange(10**10, 10**11)}"
    if platform == "douyin":
        nick = rng.choice(_NICK_WORDS) + rng.choice(_NICK_TAILS) if rng.random() < 0.6 else (
            f"用户{rng.randrange(10**9, 10**10)}")
        return f"_000{_hex(rng, 24)}", nick
    if platform == "shopify":
        return str(rng.randrange(6_500_000_000_000, 7_900_000_000_000)), person.name
    if platform == "woocommerce":
        return str(rng.randint(20, 9_999)), person.name
    if platform == "pos":
        return f"M{rng.randrange(10**7):07d}", person.name
    return f"KH-{person.key:04d}", person.company or person.name


class Identities:
    """Per-platform buyer ids: the same person keeps one id per platform, never shared."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._known: dict[tuple[int, str], tuple[str, str]] = {}
        self._taken: set[tuple[str, str]] = set()

    def of(self, platform: str, person: Person) -> tuple[str, str]:
        """The (buyer_id, nick) of `person` on `platform`, created on first use."""
        key = (person.key, platform)
        found = self._known.get(key)
        if found is None:
            found = _identity(self._rng, platform, person)
            while (platform, found[0]) in self._taken:
                found = _identity(self._rng, platform, person)
            self._taken.add((platform, found[0]))
            self._known[key] = found
        return found


_COMPANY_WORDS = ("悦衣坊", "锦程", "衣品汇", "潮品", "优选", "恒信", "华联", "百汇", "新概念",
                  "宏达", "嘉禾", "尚品", "万家", "启航")
_COMPANY_KINDS = ("服饰有限公司", "贸易有限公司", "商贸有限公司", "百货有限公司", "电子商务有限公司")


def company_buyer(rng: random.Random, key: int, cum_weights: list[float]) -> Person:
    """A wholesale customer: a company with a contact person at its warehouse or shop."""
    contact = cn_person(rng, key, cum_weights)
    city = contact.address.city
    short = (contact.address.district if "自治州" in city else city).removesuffix("市")
    company = short + rng.choice(_COMPANY_WORDS) + rng.choice(_COMPANY_KINDS)
    return Person(key, contact.address, company=company)
