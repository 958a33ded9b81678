"""Demo buyer identities: per-platform buyer ids and nicknames, stable per person."""

from __future__ import annotations

import random

from orderhub.demo.people import Person

# fmt: off
_NICK_WORDS = ("小", "爱", "快乐", "阳光", "追风", "喵", "柠檬", "星星", "晴天", "豆豆", "糖果", "咸鱼")
_NICK_TAILS = ("购物狂", "的小店", "宝宝", "酱", "同学", "不吃辣", "在路上", "要努力", "爱生活")
# fmt: on


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
        nick = (
            rng.choice(_NICK_WORDS) + rng.choice(_NICK_TAILS)
            if rng.random() < 0.6
            else (f"用户{rng.randrange(10**9, 10**10)}")
        )
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
