"""Address normalisation speed, single core.

    python -m benchmarks.address [--count 60000] [--runs 3] [--seed 7]

Builds a fixed, seeded mix of realistic inputs from the division data itself: full
addresses, missing province or city, short forms (北京朝阳区, 广东深圳), town-only
streets (深圳市粤海街道), county-level cities, cities without districts, old names
(闸北区, 襄樊市), traditional characters, postcodes, platform hint fields, ambiguous
district names and junk. Prints the median rate over the runs (index build excluded; it
happens once at import and is timed separately).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

STREETS = ("科技园南区", "建国路88号", "人民路123号3栋502", "中山大道西1号", "文三路90号", "xx小区")
OLD = ("上海市闸北区天目西路", "天津市塘沽区", "襄樊市樊城区", "山东省莱芜市", "余杭区临平街道")
TRAD = {"东": "東", "广": "廣", "区": "區", "县": "縣", "门": "門", "龙": "龍", "阳": "陽"}
JUNK = ("", "自提", "请放门口", "12345", "科技园南区88号")


def make_inputs(count: int, seed: int) -> list[Any]:
    from orderhub.normalize.address_index import INDEX

    rng = random.Random(seed)
    towns = [n for n, k in enumerate(INDEX.kind) if k == "T"]
    counties = [n for n, k in enumerate(INDEX.kind) if k in "DX"]
    out: list[Any] = []
    for _ in range(count):
        roll = rng.random()
        street = rng.choice(STREETS)
        node = rng.choice(towns if roll < 0.5 else counties)
        names = [INDEX.name[n] for n in INDEX.path[node]]
        if INDEX.kind[INDEX.path[node][0]] == "M":
            names.insert(0, names[0])
        if roll < 0.25:  # full address with town
            out.append("".join(names) + street)
        elif roll < 0.4:  # no province, town kept
            out.append("".join(names[1:]) + street)
        elif roll < 0.5:  # city + town only
            out.append(names[1] + names[-1] + street)
        elif roll < 0.65:  # full to county, spaces between parts
            out.append(" ".join(names) + " " + street)
        elif roll < 0.72:  # short province/city forms
            out.append(names[0].removesuffix("省").removesuffix("市") + "".join(names[1:]) + street)
        elif roll < 0.8:  # platform fields as hints, street-only text
            hint = dict(zip(("province", "city", "district"), names, strict=False))
            out.append({"text": street, **hint})
        elif roll < 0.85:  # traditional characters and a postcode
            text = "".join(names) + street + "(518057)"
            out.append("".join(TRAD.get(c, c) for c in text))
        elif roll < 0.9:  # county without city or province (may be ambiguous)
            out.append(names[-1] + street)
        elif roll < 0.95:
            out.append(rng.choice(OLD) + street)
        else:
            out.append(rng.choice(JUNK))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    from orderhub.normalize.address import normalize_many

    build = time.perf_counter() - started
    inputs = make_inputs(args.count, args.seed)
    seconds = []
    results = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        results = normalize_many(inputs)
        seconds.append(time.perf_counter() - t0)
    median = statistics.median(seconds)
    resolved = sum(1 for r in results if r.district or r.city)
    low = sum(1 for r in results if r.confidence < 0.5)
    print(f"index build (import): {build * 1000:.0f} ms")
    print(f"inputs: {len(inputs)}; city or district found: {resolved}; confidence < 0.5: {low}")
    print(f"runs: {', '.join(f'{s:.3f}s' for s in seconds)}")
    print(f"{len(inputs) / median:,.0f} addresses/s (median of {args.runs}, single core)")


if __name__ == "__main__":
    main()
