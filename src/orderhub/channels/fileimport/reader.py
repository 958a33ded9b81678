"""Read an order export (CSV / TSV / XLSX / XLS) into rows of header → cell text, lazily. Pure.

CSV: the encoding is found by decoding the *whole* file strictly before any row is read —
UTF-8 (with or without BOM) first, then GB18030 (what Excel on Chinese Windows writes); a
UTF-16 BOM (Excel "Unicode text") is honoured too. Nothing is ever decoded with replacement
characters: a file that is neither is refused with `IMPORT_BAD_ENCODING`. The delimiter is a
comma or a tab, whichever the first lines use more of.

XLSX/XLS go through python-calamine (Rust, fast). Calamine returns every numeric cell as a
Python float (1 → 1.0, 11729384072 → 11729384072.0, and a 19-digit order number such as
3915562010231234567 → 3.915562010231235e+18, its last digits already gone — Excel keeps 15
significant digits and openpyxl/Excel store the number as a double). Integral floats below
2**53 become their exact integer text; larger ones are written as the float's repr
("3.915562010231235e+18", never made-up digits) and recorded in `Row.lossy`, so the importer
refuses an id column that holds one (IMPORT_BAD_NUMBER) and tells the seller to export the
column as text. Text cells ("3915562010231234567", or `="…"`) are always exact.
Dates come back from calamine as datetime objects and are written as ISO text.

The header row is the first row (of the first 30) that the profile recognises, so title lines
above the header ("订单列表 导出时间：…") are skipped. Completely blank rows are skipped.
`Row.number` is the 1-based row (CSV record / sheet row) number in the file, for messages.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Protocol

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from orderhub.channels.base import ParseError
from orderhub.channels.fileimport.cells import clean_text, datetime_text, float_text

HEADER_SEARCH_ROWS = 30
_CHUNK = 1 << 20
_EMPTY: frozenset[str] = frozenset()
_NO_INDEX: frozenset[int] = frozenset()
_GUARDS = frozenset({"=", "'"})  # first characters of the `="…"` and `'123` text guards
_SHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (xlsx/xlsm/ods) and OLE2 (xls)
Source = str | Path | bytes
CellValue = int | float | str | bool | time | date | datetime | timedelta


class HeaderProfile(Protocol):
    """What the reader needs from a profile: a header test and, maybe, a sheet name."""

    @property
    def sheet(self) -> str | None: ...

    def is_header(self, cells: Sequence[str]) -> bool: ...

    def column_map(self, headers: Sequence[str]) -> object: ...


class Row(dict[str, str]):
    """One data row: header → cleaned cell text, with its row number and lossy columns."""

    __slots__ = ("lossy", "number")

    number: int
    lossy: frozenset[str]


RawRow = tuple[int, list[str], frozenset[int]]
ColumnScan = Callable[[int], Iterator[tuple[int, str]]]


@dataclass(slots=True)
class RowStream:
    """The data rows of one file, read lazily; can be iterated more than once."""

    source_name: str
    format: str
    header: tuple[str, ...]
    header_row: int
    total_rows: int
    encoding: str | None
    delimiter: str | None
    _raw: Callable[[], Iterator[RawRow]]
    _column: ColumnScan

    def __iter__(self) -> Iterator[Row]:
        keys, width = self.header, len(self.header)
        for number, cells, lossy in self._raw():
            if number <= self.header_row:
                continue
            if len(cells) != width:
                cells = _fit(cells, width)
            row = Row(zip(keys, cells, strict=True))
            row.number = number
            row.lossy = frozenset(keys[i] for i in lossy if i < width) if lossy else _EMPTY
            yield row

    def column_values(self, key: str) -> Iterator[str]:
        """The cleaned text of one column for every data row (a cheap pre-pass)."""
        index = self.header.index(key)
        for number, value in self._column(index):
            if number > self.header_row:
                yield value


def read_rows(
    source: Source,
    *,
    filename: str,
    profile: HeaderProfile | None = None,
    sheet: str | None = None,
) -> RowStream:
    """Open `source` (a path or the file's bytes) named `filename` and find its header row."""
    data = source if isinstance(source, bytes) else None
    path = None if data is not None else Path(str(source))
    head = data[:8] if data is not None else _read_head(path)
    if head.startswith(_SHEET_MAGIC):
        return _open_sheet(path, data, filename, profile, sheet)
    return _open_csv(path, data, filename, profile)


def _read_head(path: Path | None) -> bytes:
    assert path is not None
    with path.open("rb") as handle:
        return handle.read(8)


def _fit(cells: list[str], width: int) -> list[str]:
    if len(cells) < width:
        return cells + [""] * (width - len(cells))
    return cells[:width]


def _header_keys(cells: Sequence[str]) -> tuple[str, ...]:
    """Unique, non-empty keys for the header cells (duplicates get `#2`, blanks `column N`)."""
    keys: list[str] = []
    seen: set[str] = set()
    for index, text in enumerate(cells):
        key = text or f"column {index + 1}"
        base, n = key, 1
        while key in seen:
            n += 1
            key = f"{base}#{n}"
        seen.add(key)
        keys.append(key)
    return tuple(keys)


def _find_header(
    raw: Callable[[], Iterator[RawRow]], profile: HeaderProfile | None
) -> tuple[int, list[str]]:
    rows = raw()
    try:
        return _scan_for_header(rows, profile)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _scan_for_header(
    rows: Iterator[RawRow], profile: HeaderProfile | None
) -> tuple[int, list[str]]:
    """The first row the profile recognises (or the first row); the widest row names what is
    missing when none is recognised."""
    widest: tuple[int, list[str]] | None = None
    for scanned, (number, cells, _) in enumerate(rows):
        if scanned >= HEADER_SEARCH_ROWS:
            break
        if profile is None or profile.is_header(cells):
            return number, cells
        if widest is None or sum(map(bool, cells)) > sum(map(bool, widest[1])):
            widest = (number, cells)
    if widest is None:
        raise ParseError("IMPORT_EMPTY_FILE", "the file has no rows")
    assert profile is not None
    profile.column_map(widest[1])  # raises IMPORT_MISSING_COLUMN naming what is missing
    return widest


# -- CSV ----------------------------------------------------------------------------------------


def _open_csv(
    path: Path | None, data: bytes | None, filename: str, profile: HeaderProfile | None
) -> RowStream:
    encoding, newlines, sample = _detect_encoding(path, data)
    delimiter = _sniff_delimiter(sample)

    def open_text() -> IO[str]:
        if data is not None:
            return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
        assert path is not None
        return path.open(encoding=encoding, newline="")

    def raw() -> Iterator[RawRow]:
        with open_text() as handle:
            yield from _csv_records(handle, delimiter)

    def column(index: int) -> Iterator[tuple[int, str]]:
        with open_text() as handle:
            records = enumerate(csv.reader(handle, delimiter=delimiter), start=1)
            for number, record in records:
                value = record[index].strip() if index < len(record) else ""
                yield number, clean_text(value) if value[:1] in _GUARDS else value

    number, cells = _find_header(raw, profile)
    header = _header_keys(cells)
    total = max(newlines - number, 0)
    return RowStream(filename, "csv", header, number, total, encoding, delimiter, raw, column)


def _csv_records(handle: IO[str], delimiter: str) -> Iterator[RawRow]:
    strip = str.strip
    for number, record in enumerate(csv.reader(handle, delimiter=delimiter), start=1):
        cells = list(map(strip, record))
        if not any(cells):
            continue
        joined = "\x1f".join(cells)
        if '="' in joined or "'" in joined:
            _unguard(cells, joined)
        yield number, cells, _NO_INDEX


def _unguard(cells: list[str], joined: str) -> None:
    """Clean, in place, the cells that start with a text guard (`="…"` or `'123`).

    Only the guarded cells are visited: their index is the number of separators before them.
    """
    for mark in ('="', "'"):
        position = joined.find(mark)
        while position != -1:
            if position == 0 or joined[position - 1] == "\x1f":
                index = joined.count("\x1f", 0, position)
                cells[index] = clean_text(cells[index])
            position = joined.find(mark, position + 1)


def _detect_encoding(path: Path | None, data: bytes | None) -> tuple[str, int, str]:
    """(encoding, newline count, decoded sample) after strictly decoding the whole file."""
    head = data[:4] if data is not None else _read_head(path)
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        result = _decode_all(path, data, encoding)
        if result is not None:
            return encoding, result[0], result[1]
    raise ParseError(
        "IMPORT_BAD_ENCODING",
        "the file is neither UTF-8 nor GB18030 text; save it again as CSV UTF-8 or as XLSX",
    )


def _chunks(path: Path | None, data: bytes | None) -> Iterator[bytes]:
    if data is not None:
        for start in range(0, len(data), _CHUNK):
            yield data[start : start + _CHUNK]
        return
    assert path is not None
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _decode_all(path: Path | None, data: bytes | None, encoding: str) -> tuple[int, str] | None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    newlines, sample, last = 0, "", "\n"
    try:
        for chunk in _chunks(path, data):
            text = decoder.decode(chunk)
            newlines += text.count("\n")
            last = text[-1:] or last
            if len(sample) < 65536:
                sample += text[:65536]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return newlines + (last != "\n"), sample


def _sniff_delimiter(sample: str) -> str:
    lines = sample.splitlines()[:HEADER_SEARCH_ROWS]
    tabs = max((line.count("\t") for line in lines), default=0)
    commas = max((line.count(",") for line in lines), default=0)
    return "\t" if tabs > commas else ","


# -- spreadsheets -------------------------------------------------------------------------------


def _open_sheet(
    path: Path | None,
    data: bytes | None,
    filename: str,
    profile: HeaderProfile | None,
    sheet_name: str | None,
) -> RowStream:
    try:
        workbook = (
            CalamineWorkbook.from_filelike(io.BytesIO(data))
            if data is not None
            else CalamineWorkbook.from_path(str(path))
        )
        sheet = _pick_sheet(workbook, sheet_name or (profile.sheet if profile else None))
    except CalamineError as exc:
        raise ParseError(
            "IMPORT_UNREADABLE", f"{filename}: not a readable workbook ({exc})"
        ) from exc
    first_row = (sheet.start or (0, 0))[0]

    def raw() -> Iterator[RawRow]:
        return _sheet_rows(sheet, first_row)

    def column(index: int) -> Iterator[tuple[int, str]]:
        for offset, values in enumerate(sheet.iter_rows()):
            cells, _ = _sheet_cells(values[index : index + 1])
            yield first_row + offset + 1, cells[0] if cells else ""

    number, cells = _find_header(raw, profile)
    header = _header_keys(cells)
    total = max(first_row + sheet.height - number, 0)
    return RowStream(filename, "xlsx", header, number, total, None, None, raw, column)


def _pick_sheet(workbook: CalamineWorkbook, name: str | None) -> CalamineSheet:
    if name is None:
        return workbook.get_sheet_by_index(0)
    if name not in workbook.sheet_names:
        raise ParseError(
            "IMPORT_SHEET_NOT_FOUND",
            f"no sheet named {name!r}; the workbook has {', '.join(workbook.sheet_names)}",
        )
    return workbook.get_sheet_by_name(name)


def _sheet_rows(sheet: CalamineSheet, first_row: int) -> Iterator[RawRow]:
    for offset, values in enumerate(sheet.iter_rows()):
        cells, lossy = _sheet_cells(values)
        if any(cells):
            yield first_row + offset + 1, cells, lossy


def _sheet_cells(values: Sequence[CellValue]) -> tuple[list[str], frozenset[int]]:
    cells: list[str] = []
    lossy: list[int] = []
    for index, value in enumerate(values):
        if isinstance(value, str):
            cells.append(clean_text(value) if value else "")
        elif isinstance(value, float):
            text, lost = float_text(value)
            cells.append(text)
            if lost:
                lossy.append(index)
        else:
            cells.append(_other_cell(value))
    return cells, frozenset(lossy) if lossy else _NO_INDEX


def _other_cell(value: CellValue) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | date | time):
        return datetime_text(value)
    if isinstance(value, timedelta):
        return str(value)
    return clean_text(str(value))
