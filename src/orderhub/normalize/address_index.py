"""In-memory index of Chinese administrative divisions, built once at import.

Nodes are numbered; per node we keep name, code, kind, parent and the path from the
province down. Names (full, short and old ones) map to lists of ``Entry`` tuples:
(node, weight, short, note). Lookups scan the longest name starting at a position, using a
per-first-character list of name lengths, so no regular expression runs per call.

Kinds: P province, M municipality (province and city), C prefecture-level city, X
city-level unit without counties (东莞市, 仙桃市, 琼海市 ...), D county level, T town level.
"""

from __future__ import annotations

import gzip
from importlib import resources
from typing import NamedTuple

from orderhub.normalize.address_tables import (
    ALIASES,
    ETHNIC_GROUPS,
    MOVED,
    PROVINCE_SHORT,
    RENAMES,
    SEPARATORS,
)

DATA_FILE = "cn_divisions.tsv.gz"

SHORT_WEIGHT = 0.95
HINT_WEIGHT = 0.9
ABOLISHED_WEIGHT = 0.8


class Entry(NamedTuple):
    node: int
    weight: float
    short: bool
    note: str  # "" or a note to report when this entry is used (renames)


class Match(NamedTuple):
    start: int
    end: int
    text: str
    entries: tuple[Entry, ...]


class Index:
    """The division tree plus the name tables used to find divisions in text."""

    def __init__(self, lines: list[str]) -> None:
        self.name: list[str] = []
        self.code: list[str] = []
        self.kind: list[str] = []
        self.parent: list[int] = []
        self.path: list[tuple[int, ...]] = []
        self.flags: list[str] = []
        self.former: dict[int, frozenset[str]] = {}
        self.moved_note: dict[int, str] = {}
        self.children: dict[tuple[int, str], int] = {}
        self.divisions: dict[str, list[Entry]] = {}
        self.towns: dict[str, list[Entry]] = {}
        self._load(lines)
        self._index_names()
        self._index_history()
        self.division_lengths = _lengths_by_first_char(self.divisions)
        self.town_lengths = _lengths_by_first_char(self.towns)
        self.separators = frozenset(SEPARATORS)

    # ------------------------------------------------------------------ loading
    def _load(self, lines: list[str]) -> None:
        by_code: dict[str, int] = {}
        for line in lines:
            if not line or line.startswith("#"):
                continue
            kind, code, name, parent_code, flags = line.rstrip("\n").split("\t")
            node = len(self.name)
            parent = by_code[parent_code] if parent_code else -1
            self.name.append(name)
            self.code.append(code)
            self.kind.append(kind)
            self.parent.append(parent)
            self.flags.append(flags)
            self.path.append((*self.path[parent], node) if parent >= 0 else (node,))
            if kind != "T":
                by_code[code] = node
                self.children[(parent, name)] = node

    def find_path(self, spec: str) -> int:
        """The node at a "省/市/区" name path; KeyError when the data has no such node."""
        node = -1
        for part in spec.split("/"):
            node = self.children[(node, part)]
        return node

    # ------------------------------------------------------------------ names
    def _add(self, table: dict[str, list[Entry]], key: str, entry: Entry) -> None:
        entries = table.setdefault(key, [])
        if all(e.node != entry.node or e.note != entry.note for e in entries):
            entries.append(entry)

    def _index_names(self) -> None:
        for node, name in enumerate(self.name):
            kind = self.kind[node]
            if kind == "T":
                weight = ABOLISHED_WEIGHT if "a" in self.flags[node] else 1.0
                self._add(self.towns, name, Entry(node, weight, False, ""))
                continue
            self._add(self.divisions, name, Entry(node, 1.0, False, ""))
            for short, weight in short_names(name, kind):
                self._add(self.divisions, short, Entry(node, weight, True, ""))
        for alias, spec in ALIASES:
            self._add(self.divisions, alias, Entry(self.find_path(spec), 1.0, True, ""))

    def _index_history(self) -> None:
        for old, specs, year, detail in RENAMES:
            targets = [self.find_path(spec) for spec in specs]
            new = "/".join(self.name[t] for t in targets)
            note = f"renamed: {old} → {new} ({year}{'; ' + detail if detail else ''})"
            kind = "C" if old.endswith("市") and self.kind[targets[0]] in "CX" else "D"
            for target in targets:
                self._add(self.divisions, old, Entry(target, 1.0, False, note))
                for short, _ in short_names(old, kind):
                    self._add(self.divisions, short, Entry(target, SHORT_WEIGHT, True, note))
        for spec, formers, _year, note in MOVED:
            node = self.find_path(spec)
            self.former[node] = frozenset(formers)
            self.moved_note[node] = note

    # ------------------------------------------------------------------ lookups
    def match_division(self, text: str, pos: int) -> Match | None:
        return _longest(text, pos, self.divisions, self.division_lengths)

    def match_town(self, text: str, pos: int) -> Match | None:
        return _longest(text, pos, self.towns, self.town_lengths)

    def skip_separators(self, text: str, pos: int) -> int:
        seps = self.separators
        n = len(text)
        while pos < n and text[pos] in seps:
            pos += 1
        return pos

    def label(self, node: int) -> str:
        """Province + city + county + town names of a node, without repeats."""
        return "".join(self.name[n] for n in self.path[node])


def _longest(
    text: str, pos: int, table: dict[str, list[Entry]], lengths: dict[str, tuple[int, ...]]
) -> Match | None:
    if pos >= len(text):
        return None
    for length in lengths.get(text[pos], ()):
        key = text[pos : pos + length]
        entries = table.get(key)
        if entries is not None and len(key) == length:
            return Match(pos, pos + length, key, tuple(entries))
    return None


def _lengths_by_first_char(table: dict[str, list[Entry]]) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for key in table:
        lengths.setdefault(key[0], set()).add(len(key))
    return {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}


def _strip_ethnic(stem: str) -> str:
    changed = True
    while changed:
        changed = False
        for group in ETHNIC_GROUPS:
            for form in (group + "族", group):
                if stem.endswith(form) and len(stem) - len(form) >= 2:
                    stem = stem[: -len(form)]
                    changed = True
                    break
            if changed:
                break
    return stem


def short_names(name: str, kind: str) -> list[tuple[str, float]]:
    """Short forms of a division name with their weights (广东省 -> 广东, 1.0)."""
    if kind in "PM":
        short = PROVINCE_SHORT.get(name) or name.removesuffix("省").removesuffix("市")
        return [(short, 1.0)] if short != name else []
    if name.endswith("新区") or len(name) <= 2:
        return []
    out: list[tuple[str, float]] = []
    for suffix in ("自治州", "自治县", "自治旗"):
        if name.endswith(suffix):
            stem = _strip_ethnic(name[: -len(suffix)])
            out.append((stem, SHORT_WEIGHT))
            if suffix == "自治州":
                out.append((stem + "州", SHORT_WEIGHT))
            return out
    for suffix in ("林区", "地区", "市", "县", "区", "旗", "盟"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return [(name[: -len(suffix)], SHORT_WEIGHT)]
    return out


def _read_data() -> list[str]:
    blob = resources.files("orderhub.normalize").joinpath("data", DATA_FILE).read_bytes()
    return gzip.decompress(blob).decode("utf-8").splitlines()


INDEX = Index(_read_data())
