"""Platform spec text ("颜色分类:黑色;尺码:XL", "Black / XL") -> the seller's SKU variant.

Values are compared through seller-editable alias tables, one per attribute ("size", "colour"):
"加大码", "X-Large" and "XL" are one canonical size. Comparison folds width, case, blanks and
dashes, so "ＸＬ", "x-large" and "X Large" need no alias of their own. A value no table knows is
compared as folded text, so a seller whose variants say "黑色" matches a spec saying "黑色"
without any table at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

UNLABELLED = "#"
"""`parse_spec` keys values that came without a label "#1", "#2", ... in text order."""

DEFAULT_LABELS: dict[str, str] = {
    **dict.fromkeys(("颜色", "颜色分类", "顏色", "顏色分類", "色彩", "color", "colour"), "colour"),
    **dict.fromkeys(("尺码", "尺寸", "尺碼", "码数", "鞋码", "大小", "size"), "size"),
}

_FOLD_DROP = re.compile(r"[\s\-_·]+")
_BRACKETED = re.compile(r"[(\[【]([^()\[\]【】]*)[)\]】]")
_PROPERTY_IDS = re.compile(r"^\s*\d+:\d+:")
_NEXT_LABEL = re.compile(r"\s([^\s:]+)\s*:")
_SEGMENTS = re.compile(r"[;,|]")
_UNLABELLED_SPLIT = re.compile(r"[;,|]|(?<!\d)/|/(?!\d)")
_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Comparison form: NFKC (full-width to ASCII), case-folded, blanks/dashes/underscores gone."""
    return _FOLD_DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


@dataclass
class AliasTable:
    """canonical value -> aliases for one attribute; a later `add` of an alias moves it."""

    attribute: str
    aliases: dict[str, set[str]] = field(default_factory=dict)
    _index: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        given, self.aliases = self.aliases, {}
        for canonical, aliases in given.items():
            self.add(canonical, *sorted(aliases))

    def add(self, canonical: str, *aliases: str) -> None:
        known = self.aliases.setdefault(canonical, set())
        for alias in (canonical, *aliases):
            key = fold(alias)
            previous = self._index.get(key)
            if previous is not None and previous != canonical:
                self.aliases[previous] = {a for a in self.aliases[previous] if fold(a) != key}
            self._index[key] = canonical
            if alias != canonical:
                known.add(alias)

    def canonical_of(self, text: str) -> str | None:
        """The canonical value for `text`, also trying "180/100(XL)" -> "XL", "黑色(现货)" -> "黑色"."""
        for candidate in _candidates(text):
            canonical = self._index.get(fold(candidate))
            if canonical is not None:
                return canonical
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "attribute": self.attribute,
            "aliases": {canonical: sorted(a) for canonical, a in self.aliases.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AliasTable:
        table = cls(str(data["attribute"]))
        for canonical, aliases in dict(data.get("aliases") or {}).items():
            table.add(str(canonical), *(str(a) for a in aliases))
        return table


def _candidates(text: str) -> Iterator[str]:
    yield text
    outside = _BRACKETED.sub(" ", text).strip()
    if outside and outside != text:
        yield outside
    yield from (inside for inside in _BRACKETED.findall(text) if inside.strip())


@dataclass
class SpecAliases:
    """The seller's alias tables by attribute, and which spec labels name which attribute."""

    tables: dict[str, AliasTable] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))

    def table(self, attribute: str) -> AliasTable:
        return self.tables.setdefault(attribute, AliasTable(attribute))

    def add(self, attribute: str, canonical: str, *aliases: str) -> None:
        self.table(attribute).add(canonical, *aliases)

    def add_label(self, label: str, attribute: str) -> None:
        self.labels[fold(label)] = attribute

    def canonical_of(self, attribute: str, text: str) -> str | None:
        table = self.tables.get(attribute)
        return table.canonical_of(text) if table else None

    def attribute_of(self, label: str) -> str:
        return attribute_of(label, self.labels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tables": [table.to_dict() for table in self.tables.values()],
            "labels": dict(self.labels),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpecAliases:
        tables = [AliasTable.from_dict(t) for t in data.get("tables") or []]
        labels = {fold(str(k)): str(v) for k, v in dict(data.get("labels") or {}).items()}
        return cls({t.attribute: t for t in tables}, labels or dict(DEFAULT_LABELS))


def attribute_of(label: str, labels: Mapping[str, str] = DEFAULT_LABELS) -> str:
    """The attribute a spec label names ("颜色分类" -> "colour"); unknown labels are kept."""
    return labels.get(fold(label), label.strip())


_SIZES: dict[str, tuple[str, ...]] = {
    "XS": ("Extra Small", "X-Small", "加小", "加小码", "特小号"),
    "S": ("Small", "小码", "小号", "S码"),
    "M": ("Medium", "中码", "中号", "M码"),
    "L": ("Large", "大码", "大号", "L码"),
    "XL": ("X-Large", "Extra Large", "1XL", "加大码", "加大号", "XL码"),
    "XXL": ("2XL", "XX-Large", "2X", "2X-Large", "XXL码", "2XL码", "加加大"),
    "XXXL": ("3XL", "XXX-Large", "3X", "3X-Large", "XXXL码", "3XL码"),
    "ONE SIZE": ("均码", "One Size", "OS", "Free Size", "FREE", "F", "均码(F)", "通码"),
}
_COLOURS: dict[str, tuple[str, ...]] = {
    "Black": ("黑", "黑色", "BLK", "纯黑"),
    "White": ("白", "白色", "WHT", "纯白"),
    "Grey": ("灰", "灰色", "Gray", "GRY"),
    "Navy": ("藏青", "藏青色", "Navy Blue", "藏蓝", "藏蓝色"),
    "Red": ("红", "红色", "紅色"),
    "Blue": ("蓝", "蓝色", "藍色"),
    "Khaki": ("卡其", "卡其色"),
    "Beige": ("米白", "米白色", "米色"),
    "Green": ("绿", "绿色", "綠色"),
    "Yellow": ("黄", "黄色", "黃色"),
    "Pink": ("粉", "粉色", "粉红", "粉红色"),
    "Purple": ("紫", "紫色"),
    "Brown": ("棕", "棕色", "咖啡色", "咖色"),
    "Orange": ("橙", "橙色", "橘色"),
}


def default_aliases() -> SpecAliases:
    """Built-in size and colour tables; sellers add to or override them per shop."""
    aliases = SpecAliases()
    for canonical, names in _SIZES.items():
        aliases.add("size", canonical, *names)
    for shoe in range(36, 47):
        aliases.add("size", str(shoe), f"{shoe}码", f"{shoe}号", f"EU{shoe}", f"EU {shoe}")
    for canonical, names in _COLOURS.items():
        aliases.add("colour", canonical, *names)
    return aliases


def parse_spec(text: str, *, labels: Mapping[str, str] = DEFAULT_LABELS) -> dict[str, str]:
    """Spec text -> {attribute or label: value}; values without a label are keyed "#1", "#2"."""
    clean = unicodedata.normalize("NFKC", text).strip()
    if ":" not in clean:
        return _numbered(_unlabelled_values(clean))
    result: dict[str, str] = {}
    loose: list[str] = []
    for segment in _SEGMENTS.split(clean):
        for label, value in _labelled_pairs(segment):
            if not value:
                continue
            if label:
                result.setdefault(attribute_of(label, labels), value)
            else:
                loose.append(value)
    return result | _numbered(loose)


def _labelled_pairs(segment: str) -> list[tuple[str, str]]:
    """'颜色:黑色 尺码:XL' -> [('颜色', '黑色'), ('尺码', 'XL')]; Taobao "pid:vid:" prefixes dropped."""
    label, colon, rest = _PROPERTY_IDS.sub("", segment).partition(":")
    if not colon:
        return [("", label.strip())]
    pairs = []
    while (following := _NEXT_LABEL.search(rest)) is not None:
        pairs.append((label.strip(), rest[: following.start()].strip()))
        label, rest = following.group(1), rest[following.end() :]
    pairs.append((label.strip(), rest.strip()))
    return pairs


def _unlabelled_values(text: str) -> list[str]:
    """Split on ; , | and on "/" not between digits ("180/100A" stays); "黑色 XL" on blanks."""
    compact = re.sub(r"\s*/\s*", "/", text)
    pieces = [p.strip() for p in _UNLABELLED_SPLIT.split(compact) if p.strip()]
    if len(pieces) == 1 and _CJK.search(pieces[0]):
        return pieces[0].split()
    return pieces


def _numbered(values: list[str]) -> dict[str, str]:
    return {f"{UNLABELLED}{n}": value for n, value in enumerate(values, start=1)}


@dataclass(frozen=True)
class VariantMatch:
    """`sku_code` when exactly one variant fits, else None and a reason a seller can act on."""

    sku_code: str | None
    reason: str = ""
    wanted: tuple[tuple[str, str], ...] = ()
    candidates: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return self.sku_code is not None


@dataclass(frozen=True)
class _Wanted:
    key: str
    shown: str


def match_variant(
    spec_text: str, variants: Mapping[str, Mapping[str, str]], aliases: SpecAliases
) -> VariantMatch:
    """Find the one variant (sku_code -> {attribute: value}) whose values all fit the spec."""
    keyed = {
        sku: {
            aliases.attribute_of(a): _key(aliases, aliases.attribute_of(a), v)
            for a, v in vs.items()
        }
        for sku, vs in variants.items()
    }
    wanted, unused = _wanted_values(parse_spec(spec_text, labels=aliases.labels), keyed, aliases)
    shown = tuple((attribute, w.shown) for attribute, w in wanted.items())
    if not wanted:
        return VariantMatch(None, f"no attribute value recognised in spec '{spec_text}'")
    hits = tuple(
        sku
        for sku, values in keyed.items()
        if all(values.get(a) == w.key for a, w in wanted.items())
    )
    if len(hits) == 1:
        return VariantMatch(hits[0], wanted=shown, candidates=hits)
    reason = _no_match(wanted, keyed) if not hits else _ambiguous(wanted, hits)
    if unused:
        reason += "; unrecognised: " + ", ".join(repr(u) for u in unused)
    return VariantMatch(None, reason, shown, hits)


def _key(aliases: SpecAliases, attribute: str, value: str) -> str:
    return fold(aliases.canonical_of(attribute, value) or value)


def _wanted_values(
    parsed: Mapping[str, str], keyed: Mapping[str, Mapping[str, str]], aliases: SpecAliases
) -> tuple[dict[str, _Wanted], list[str]]:
    """Labelled values go to their attribute; each unlabelled one to the only attribute it fits."""
    attributes = {a for values in keyed.values() for a in values}
    wanted: dict[str, _Wanted] = {}
    loose: list[str] = []
    for label, value in parsed.items():
        if label.startswith(UNLABELLED):
            loose.append(value)
        elif label in attributes:
            wanted[label] = _wanted(aliases, label, value)
    for _ in range(2):  # a second pass settles values that fitted two attributes at first
        loose = [v for v in loose if not _assign(v, wanted, attributes, keyed, aliases)]
    return wanted, loose


def _assign(
    value: str,
    wanted: dict[str, _Wanted],
    attributes: set[str],
    keyed: Mapping[str, Mapping[str, str]],
    aliases: SpecAliases,
) -> bool:
    free = sorted(attributes - wanted.keys())
    present = [a for a in free if any(v.get(a) == _key(aliases, a, value) for v in keyed.values())]
    fits = present or [a for a in free if aliases.canonical_of(a, value) is not None]
    if len(fits) != 1:
        return False
    wanted[fits[0]] = _wanted(aliases, fits[0], value)
    return True


def _wanted(aliases: SpecAliases, attribute: str, value: str) -> _Wanted:
    canonical = aliases.canonical_of(attribute, value)
    return _Wanted(fold(canonical or value), canonical or value.strip())


def _describe(wanted: Mapping[str, _Wanted]) -> str:
    return ", ".join(f"{attribute}={w.shown}" for attribute, w in wanted.items())


def _no_match(wanted: Mapping[str, _Wanted], keyed: Mapping[str, Mapping[str, str]]) -> str:
    for attribute, w in wanted.items():
        if not any(values.get(attribute) == w.key for values in keyed.values()):
            return f"no variant with {attribute}={w.shown}"
    return f"no variant with {_describe(wanted)}"


def _ambiguous(wanted: Mapping[str, _Wanted], hits: tuple[str, ...]) -> str:
    return f"{len(hits)} variants match {_describe(wanted)}: {', '.join(hits)}"
