"""Group export rows (one per line item) into orders and stream out drafts or rejections. Pure.

Rows of one order may be contiguous or scattered through the file. Memory: with a `RowStream`
the importer first counts each order number's rows — one cheap extra pass over the order-number
column only — and then builds and yields each order as soon as its last row has been read.
Contiguous exports therefore hold one order at a time; scattered ones hold only the orders that
are still incomplete. Other inputs: a list is counted the same way; a one-shot iterator is
grouped in a dict and its orders are emitted at the end, in first-seen order.

File-level problems (no order-number / quantity / price column) raise `ParseError`
IMPORT_MISSING_COLUMN before any row is read. Everything else is per order: an `OrderDraft`
that passed `validate_order`, or a `RejectedGroup` with the code, the field, the row numbers and
the rows as JSON (for quarantine). Codes: ORDER_ID_MISSING, IMPORT_BAD_NUMBER, IMPORT_BAD_DATE,
IMPORT_INCONSISTENT_ORDER, IMPORT_UNKNOWN_STATUS, and whatever `validate_order` reports
(AMOUNT_MISMATCH, LINE_QUANTITY_INVALID, FIELD_TOO_LONG, …).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain

from orderhub.channels.fileimport.building import ImportItem, OrderBuilder, RejectedGroup
from orderhub.channels.fileimport.cells import is_empty
from orderhub.channels.fileimport.profiles import Profile
from orderhub.channels.fileimport.reader import Row, RowStream

__all__ = ["ImportItem", "RejectedGroup", "drafts_from_rows"]

_NO_LOSS: frozenset[str] = frozenset()


def drafts_from_rows(
    rows: RowStream | Iterable[Mapping[str, str]], profile: Profile, *, source_name: str
) -> Iterator[ImportItem]:
    """Drafts (and rejected groups) for every order in `rows`, read with `profile`."""
    header, stream = _header_and_rows(rows)
    columns = profile.column_map(header)
    builder = OrderBuilder(profile, columns, source_name)
    order_key = columns.keys["order_no"][0]
    expected = _expected_counts(rows, order_key)
    return _groups(stream, builder, order_key, expected)


def _groups(
    rows: Iterable[Row], builder: OrderBuilder, key: str, expected: Counter[str] | None
) -> Iterator[ImportItem]:
    pending: dict[str, list[Row]] = {}
    for row in rows:
        order_no = row.get(key, "")
        if is_empty(order_no):
            yield builder.reject(
                [row], "ORDER_ID_MISSING", "the row has no order number", "platform_order_id"
            )
            continue
        group = pending.get(order_no)
        if group is None:
            group = pending[order_no] = []
        group.append(row)
        if expected is not None and len(group) >= expected[order_no]:
            del pending[order_no]
            yield builder.build(group)
    for group in pending.values():
        yield builder.build(group)


def _header_and_rows(
    rows: RowStream | Iterable[Mapping[str, str]],
) -> tuple[Sequence[str], Iterable[Row]]:
    if isinstance(rows, RowStream):
        return rows.header, rows
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return (), ()
    return list(first), _as_rows(chain([first], iterator))


def _as_rows(rows: Iterable[Mapping[str, str]]) -> Iterator[Row]:
    """Plain mappings become `Row`s numbered as if the header were row 1."""
    for index, mapping in enumerate(rows, start=2):
        if isinstance(mapping, Row):
            yield mapping
            continue
        row = Row(mapping)
        row.number, row.lossy = index, _NO_LOSS
        yield row


def _expected_counts(
    rows: RowStream | Iterable[Mapping[str, str]], key: str
) -> Counter[str] | None:
    if isinstance(rows, RowStream):
        return Counter(rows.column_values(key))
    if isinstance(rows, Sequence):
        return Counter(row.get(key, "") for row in rows)
    return None
