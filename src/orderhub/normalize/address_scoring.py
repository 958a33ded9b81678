"""Scoring of division mentions: which node of the division tree an address names.

Each mention (a name found in the text, or a platform hint field) lists candidate nodes.
A node scores the weights of the mentions that lie on its path from the province down
(a former parent named next to a moved division counts too, a little less). The best
node wins; a tie between unrelated nodes leaves only their common ancestor chosen.
"""

from __future__ import annotations

from typing import NamedTuple

from orderhub.normalize.address_index import HINT_WEIGHT, INDEX, Entry

LEVEL = {
    "P": "province",
    "M": "province",
    "C": "city",
    "X": "city",
    "D": "district",
    "T": "street",
}
_NAME, _KIND, _PATH, _CODE = INDEX.name, INDEX.kind, INDEX.path, INDEX.code


class Mention(NamedTuple):
    text: str
    entries: tuple[Entry, ...]
    start: int
    end: int
    source: str  # "text", "town", "late-town" or the hint field's name
    loose: bool  # a short name followed by a different suffix (密云县 for 密云区)


def cover(m: Mention, path: tuple[int, ...], formers: frozenset[str]) -> tuple[float, bool]:
    """How well a mention agrees with a path: (weight, via a former parent)."""
    best = 0.0
    for e in m.entries:
        if e.node in path and e.weight > best:
            best = e.weight
    if (
        best == 0.0
        and formers
        and (m.text in formers or any(_NAME[e.node] in formers for e in m.entries))
    ):
        return 0.9 * max(e.weight for e in m.entries), True
    return best, False


def formers_of(path: tuple[int, ...]) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for node in path:
        f = INDEX.former.get(node)
        if f:
            out = out | f
    return out


def choose(mentions: list[Mention]) -> tuple[int, list[int], float]:
    """Best node (or deepest common ancestor of a tie, or -1), the tied nodes, score."""
    candidates = {e.node for m in mentions for e in m.entries}
    scored: list[tuple[float, int]] = []
    for node in candidates:
        path = _PATH[node]
        formers = formers_of(path)
        score = sum(cover(m, path, formers)[0] * factor(m) for m in mentions)
        scored.append((score, node))
    top = max(s for s, _ in scored)
    winners = [node for s, node in scored if s >= top - 1e-9]
    winners = _drop_nested(winners, mentions)
    if len(winners) == 1:
        return winners[0], [], top
    towns = [w for w in winners if _KIND[w] == "T"]
    if len(towns) == 1 and all(_city(w) == _city(towns[0]) for w in winners):
        return towns[0], [], top
    common = -1
    for level_nodes in zip(*(_PATH[w] for w in winners), strict=False):
        if len(set(level_nodes)) > 1:
            break
        common = level_nodes[0]
    return common, sorted(winners, key=lambda w: _CODE[w] or _CODE[_PATH[w][-2]]), top


def _drop_nested(winners: list[int], mentions: list[Mention]) -> list[int]:
    """Of two tied nodes on one path keep the deeper one only when some mention names it
    without also naming the upper one (吉林吉林市 -> 吉林市, but 吉林 alone -> 吉林省)."""
    if len(winners) < 2:
        return winners
    keep = []
    for w in winners:
        deeper = [o for o in winners if o != w and w in _PATH[o]]
        if not any(_named_below(o, w, mentions) for o in deeper):
            keep.append(w)
    return [w for w in keep if not any(w != o and o in _PATH[w] for o in keep)] or winners


def _named_below(node: int, ancestor: int, mentions: list[Mention]) -> bool:
    depth = len(_PATH[ancestor])
    path = _PATH[node]
    for m in mentions:
        on = [e.node for e in m.entries if e.node in path]
        if on and all(len(_PATH[x]) > depth for x in on):
            return True
    return False


def factor(m: Mention) -> float:
    return 1.0 if m.source in ("text", "town", "late-town") else HINT_WEIGHT


def _city(node: int) -> int:
    return next((p for p in _PATH[node] if _KIND[p] in "MCX"), -1)


def ambiguity_note(tied: list[int], mentions: list[Mention]) -> str:
    """ "district 朝阳区 is ambiguous (北京市, 长春市); none chosen" and the like."""
    depth = 0
    while (
        all(len(_PATH[w]) > depth + 1 for w in tied) and len({_PATH[w][depth] for w in tied}) == 1
    ):
        depth += 1
    shown, more = tied[:6], (", …" if len(tied) > 6 else "")
    named = next((m for m in mentions if sum(e.node in tied for e in m.entries) > 1), None)
    first = tied[0]
    if len({_NAME[w] for w in tied}) == 1:
        what = f"{LEVEL[_KIND[first]]} {_NAME[first]}"
        labels = ["".join(_NAME[p] for p in _PATH[w][depth:-1] if _KIND[p] != "P") for w in shown]
        if not all(labels):
            labels = [INDEX.label(_PATH[w][-2]) if len(_PATH[w]) > 1 else "" for w in shown]
    else:
        text = named.text if named else "address"
        kinds = {_KIND[e.node] for e in named.entries} if named else set()
        level = LEVEL[kinds.pop()] + " " if len(kinds) == 1 else ""
        what = f"{level}{text}"
        labels = ["".join(_NAME[p] for p in _PATH[w][depth:]) for w in shown]
    return f"{what} is ambiguous ({', '.join(labels)}{more}); none chosen"


def inference_notes(path: tuple[int, ...], covered: set[int], notes: list[str]) -> None:
    below = [n for n in path if n in covered]
    for node in path:
        if node in covered or _KIND[node] == "T":
            continue
        depth = len(_PATH[node])
        source = next((b for b in below if len(_PATH[b]) > depth), -1)
        if source >= 0:
            level, source_level = LEVEL[_KIND[node]], LEVEL[_KIND[source]]
            notes.append(f"{level} {_NAME[node]} inferred from {source_level} {_NAME[source]}")
