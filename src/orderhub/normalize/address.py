"""Complete and normalise mainland Chinese addresses: province / city / district / street.

``normalize_address("深圳市南山区科技园")`` -> 广东省 / 深圳市 / 南山区, street 科技园, code
440305. The separate province/city/district fields that platforms send are hints: they
count for a little less than the text when the two disagree.

Conventions:

* The four municipalities are both province and city (北京市 / 北京市 / 朝阳区).
* Units without a county level (东莞市, 中山市, 儋州市, 嘉峪关市, and the county-level
  units a province runs directly: 仙桃市, 潜江市, 天门市, 神农架林区, 济源市, 琼海市 ...,
  石河子市 ...) are the city; their town (长安镇) goes into ``district`` when the text
  names one, else ``district`` is empty. The towns of 东莞/中山/儋州/嘉峪关 have no code in
  the data, so ``code`` is then the city's.
* Elsewhere a recognised town (粤海街道) stays at the start of ``street``; it can decide
  the district, and its 9-digit code becomes ``code``.
* When several divisions fit and nothing decides, none is chosen: confidence < 0.5 and
  a note names the candidates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from orderhub.normalize.address_index import INDEX, Entry
from orderhub.normalize.address_scoring import (
    Mention,
    ambiguity_note,
    choose,
    cover,
    factor,
    formers_of,
    inference_notes,
)
from orderhub.normalize.address_tables import (
    COUNTRY_PREFIXES,
    FILLERS,
    LOOSE_SUFFIXES,
    PLACEHOLDER_HINTS,
    SEPARATORS,
    STREET_CHARS,
    TRAD_TO_SIMP,
)

_TRANSLATE = str.maketrans(TRAD_TO_SIMP)
_POSTCODE = re.compile(r"(?:邮编|邮政编码)?:?\s*\(?(?<![0-9])([0-8][0-9]{5})(?![0-9])\)?")
_MAX_TOWN_CANDIDATES = 30
_HINT_KINDS = {"province": "PM", "city": "MCX", "district": "DXT"}
_NAME, _KIND, _PATH, _CODE = INDEX.name, INDEX.kind, INDEX.path, INDEX.code
_INFERRED_FACTOR = {"P": 0.98, "M": 0.98, "C": 0.95, "X": 0.95, "D": 0.9}


@dataclass(frozen=True, slots=True)
class NormalizedAddress:
    province: str
    city: str
    district: str
    street: str
    code: str  # most specific division code found (6 digits; 9 for a town), "" if none
    confidence: float  # 0..1
    notes: tuple[str, ...]  # human-readable reasons, English


def _clean(value: str) -> tuple[str, bool]:
    value = unicodedata.normalize("NFKC", value)
    simplified = value.translate(_TRANSLATE)
    return simplified.strip(), simplified != value


def _scan(s: str, pos: int, lead: bool) -> tuple[list[Mention], int]:
    """Division names one after another from pos; stops at the first non-name."""
    mentions: list[Mention] = []
    n = len(s)
    while len(mentions) < 6:
        pos = INDEX.skip_separators(s, pos)
        filler = next((f for f in FILLERS if s.startswith(f, pos)), None)
        if filler:
            pos += len(filler)
            continue
        match = INDEX.match_division(s, pos)
        if match is None:
            break
        end, loose = match.end, False
        town = INDEX.match_town(s, pos)
        if town is not None and town.end > end and _town_entries(town.entries, _anchors(mentions)):
            break  # 贺兰山中路街道 is a town, not 贺兰(县) + 山中路街道
        if all(e.short for e in match.entries):
            if end < n and s[end] in STREET_CHARS:
                break
            if mentions and _town_entries(match.entries, _anchors(mentions)) == ():
                break  # 上海市南京西路: a short name unrelated to what came before
            suffix = next((x for x in LOOSE_SUFFIXES if s.startswith(x, end)), "")
            if suffix:
                end, loose = end + len(suffix), True
            elif lead and not mentions:
                after = INDEX.skip_separators(s, end)
                if not (
                    after >= n
                    or after > end
                    or INDEX.match_division(s, after)
                    or INDEX.match_town(s, after)
                ):
                    break
        mentions.append(Mention(s[pos:end], match.entries, pos, end, "text", loose))
        pos = end
        if all(_KIND[e.node] == "D" for e in match.entries):
            break
    return mentions, pos


def _hint(field: str, value: str, notes: list[str]) -> Mention | None:
    found, note = _read_hint(field, value)
    if note:
        notes.append(note)
    return found


@lru_cache(maxsize=16_384)
def _read_hint(field: str, value: str) -> tuple[Mention | None, str]:
    """A platform's province/city/district field as a mention (and a note when it names no
    division). Cached: the same few thousand values arrive with every order."""
    v, _ = _clean(value)
    v = v.strip(SEPARATORS)
    if not v or v in PLACEHOLDER_HINTS:
        return None, ""
    match = INDEX.match_division(v, 0)
    if match is None or (match.end < len(v) and v[match.end :] not in LOOSE_SUFFIXES):
        match = INDEX.match_town(v, 0)
    if match is None:
        return None, f"hint {field} {value} not recognised"
    kinds = _HINT_KINDS[field]
    entries = tuple(e for e in match.entries if _KIND[e.node] in kinds) or match.entries
    return Mention(v, entries, 0, 0, field, False), ""


def _town_entries(match_entries: tuple[Entry, ...], anchors: set[int]) -> tuple[Entry, ...]:
    if anchors:
        return tuple(e for e in match_entries if not anchors.isdisjoint(_PATH[e.node]))
    return match_entries if len(match_entries) <= _MAX_TOWN_CANDIDATES else ()


def _anchors(mentions: list[Mention]) -> set[int]:
    """Division candidates and their city-level ancestors: where a town may lie."""
    anchors: set[int] = set()
    for m in mentions:
        for e in m.entries:
            anchors.add(e.node)
            anchors.update(p for p in _PATH[e.node] if _KIND[p] in "MCX")
    return anchors


def normalize_address(
    text: str, *, province: str = "", city: str = "", district: str = ""
) -> NormalizedAddress:
    notes: list[str] = []
    s, converted = _clean(text or "")
    if converted:
        notes.append("traditional characters converted to simplified")
    if len(s) >= 6:
        post = _POSTCODE.search(s)
        if post:
            notes.append(f"postcode {post.group(1)} removed")
            s = (s[: post.start()] + " " + s[post.end() :]).strip()
    for prefix in COUNTRY_PREFIXES:
        if s.startswith(prefix):
            s = s[len(prefix) :]
            break

    hints = [
        h
        for field, value in (("province", province), ("city", city), ("district", district))
        if value and (h := _hint(field, value, notes)) is not None
    ]
    start = INDEX.skip_separators(s, 0)
    mentions, pos = _scan(s, start, lead=not hints)
    lead_text = ""
    if not mentions and not hints and INDEX.match_town(s, start) is None:
        for i in range(start + 1, len(s) - 2):
            match = INDEX.match_division(s, i)
            if match and len(match.text) >= 3 and not all(e.short for e in match.entries):
                mentions, pos = _scan(s, i, lead=False)
                lead_text = s[start:i].strip(SEPARATORS)
                notes.append(f"text before the first division kept in street: {lead_text}")
                break
    town = INDEX.match_town(s, INDEX.skip_separators(s, pos))
    if town is not None:
        entries = _town_entries(town.entries, _anchors(mentions + hints))
        if entries:
            mentions.append(Mention(town.text, entries, town.start, town.end, "town", False))
        elif not mentions and not hints:
            notes.append(
                f"street {town.text} is ambiguous ({len(town.entries)} places); none chosen"
            )
    return _resolve(s, mentions, hints, pos, lead_text, notes)


def _resolve(
    s: str,
    mentions: list[Mention],
    hints: list[Mention],
    pos: int,
    lead_text: str,
    notes: list[str],
) -> NormalizedAddress:
    every = mentions + hints
    if not every:
        notes.append("no division found")
        return NormalizedAddress("", "", "", _tidy(s), "", 0.0, tuple(notes))
    chosen, tied, top = choose(every)
    if (
        chosen >= 0
        and not tied
        and _KIND[chosen] in "CMX"
        and not any(m.source == "town" for m in mentions)
    ):
        late = _late_town(s, pos, chosen)
        if late is not None:
            every = [*every, late]
            chosen, tied, top = choose(every)

    path = _PATH[chosen] if chosen >= 0 else ()
    formers = formers_of(path)
    prov = city = dist = town = -1
    for node in path:
        kind = _KIND[node]
        if kind in "PM":
            prov = node
            city = node if kind == "M" else city
        elif kind in "CX":
            city = node
        elif kind == "D":
            dist = node
        else:
            town = node
    town_is_district = town >= 0 and dist < 0 and _KIND[city] == "X"
    label = INDEX.label(chosen) if path else ""

    best_total = sum(_best(m) for m in every)
    conf = 1.0
    covered: set[int] = set()
    consumed_end, cut, division_used = 0, (0, 0), False
    for m in every:
        weight, _via_former = cover(m, path, formers)
        if weight == 0.0:
            if tied and m.entries[0].note and all(e.note == m.entries[0].note for e in m.entries):
                notes.append(m.entries[0].note)
            if not path or tied or m.source in ("town", "late-town"):
                continue
            if m.source == "text" and town >= 0 and dist >= 0 and _names_level(m, "D"):
                notes.append(
                    f"street {_NAME[town]} is in {_NAME[dist]}, not {m.text}; district corrected"
                )
                conf *= 0.8
                best_total -= _best(m)
                consumed_end = max(consumed_end, m.end)
            elif m.source == "text":
                notes.append(f"ignored {m.text}: does not match {label}")
            else:
                notes.append(f"hint {m.source} {m.text} ignored: does not match {label}")
            continue
        if m.source == "text":
            consumed_end = max(consumed_end, m.end)
            division_used = True
        elif m.source == "town" and town_is_district:
            consumed_end = max(consumed_end, m.end)
        elif m.source == "late-town" and town_is_district:
            cut = (m.start, m.end)
        elif m.source not in ("town", "late-town"):
            division_used = True
        for e in m.entries:
            if e.node not in path:
                continue
            covered.add(e.node)
            if e.note and e.note not in notes:
                notes.append(e.note)
                conf *= 0.95
            if e.short and _KIND[e.node] == "D":
                conf *= 0.95
            if m.loose and m.text != _NAME[e.node]:
                notes.append(f"renamed: {m.text} → {_NAME[e.node]}")
                conf *= 0.95
    mentioned = {_NAME[e.node] for m in every for e in m.entries} | {m.text for m in every}
    for node in path:
        note = INDEX.moved_note.get(node)
        if note and note not in notes:
            former = INDEX.former.get(node, frozenset())
            if not former.isdisjoint(mentioned) or (
                node in covered and _PATH[node][-2] not in covered
            ):
                notes.append(note)
                conf *= 0.97

    conf *= min(1.0, top / best_total) if best_total > 0 else 1.0
    inference_notes(path, covered, notes)
    for node in path:
        if node not in covered:
            conf *= _INFERRED_FACTOR.get(_KIND[node], 1.0)
    if path and not division_used:
        conf *= 0.85
    if town >= 0 and "a" in INDEX.flags[town]:
        notes.append(f"street {_NAME[town]} is marked abolished in the division data")
        conf *= 0.9

    if tied:
        notes.append(ambiguity_note(tied, every))
        conf = min(conf, 0.3)
    elif city >= 0 and dist < 0 and _KIND[city] in "CM":
        notes.append("district not found")
        conf *= 0.7
    elif prov >= 0 and city < 0:
        notes.append("city not found")
        conf = min(conf, 0.4)

    if consumed_end:
        consumed_end = _skip_repeats(s, consumed_end, path)
    street = s[consumed_end:]
    if cut != (0, 0):
        street = s[consumed_end : cut[0]] + s[cut[1] :]
    if lead_text and consumed_end:
        street = lead_text + " " + street
    district_name = _NAME[dist] if dist >= 0 else (_NAME[town] if town_is_district else "")
    code = next((_CODE[n] for n in reversed(path) if _CODE[n]), "")
    return NormalizedAddress(
        _NAME[prov] if prov >= 0 else "",
        _NAME[city] if city >= 0 else "",
        district_name,
        _tidy(street),
        code,
        round(max(0.0, min(1.0, conf)), 3),
        tuple(notes),
    )


def _best(m: Mention) -> float:
    return max(e.weight for e in m.entries) * factor(m)


def _names_level(m: Mention, kind: str) -> bool:
    return any(_KIND[e.node] == kind for e in m.entries)


def _late_town(s: str, pos: int, city: int) -> Mention | None:
    """A town name later in the street, under an already known city."""
    stop = min(len(s), pos + 24)
    for i in range(pos, stop):
        match = INDEX.match_town(s, i)
        if match is None:
            continue
        entries = tuple(e for e in match.entries if city in _PATH[e.node])
        if entries:
            return Mention(match.text, entries, match.start, match.end, "late-town", False)
    return None


def _skip_repeats(s: str, pos: int, path: tuple[int, ...]) -> int:
    """Past separators and division names repeated from the chosen path (platforms often
    put the whole address into the street field: 广东省深圳市南山区广东省深圳市...)."""
    while True:
        pos = INDEX.skip_separators(s, pos)
        match = INDEX.match_division(s, pos)
        if match is None or not any(e.node in path for e in match.entries):
            return pos
        end = match.end
        if all(e.short for e in match.entries) and end < len(s) and s[end] in STREET_CHARS:
            return pos
        town = INDEX.match_town(s, pos)
        if town is not None and town.end > end:
            return pos
        pos = end


def _tidy(street: str) -> str:
    return " ".join(street.split()).strip(SEPARATORS)


def normalize_many(items: Iterable[str | Mapping[str, str]]) -> list[NormalizedAddress]:
    """Batch form: each item is the address text or a mapping with ``text`` (or
    ``address``) and optional ``province``/``city``/``district`` hints."""
    out: list[NormalizedAddress] = []
    for item in items:
        if isinstance(item, str):
            out.append(normalize_address(item))
        else:
            out.append(
                normalize_address(
                    item.get("text") or item.get("address") or "",
                    province=item.get("province") or "",
                    city=item.get("city") or "",
                    district=item.get("district") or "",
                )
            )
    return out
