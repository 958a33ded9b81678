"""Reading export files: encodings, delimiters, text guards, title lines, XLSX number cells."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from orderhub.channels.base import ParseError
from orderhub.channels.fileimport import builtin_profiles, read_rows
from orderhub.channels.fileimport.cells import float_text
from tests.unit.channels.exports import TITLE_LINE, csv_bytes, write_csv, write_xlsx

TAOBAO = builtin_profiles()["taobao"]
HEADER = ["订单编号", "标题", "价格", "购买数量", "收货地址", "订单创建时间"]
ROW = [
    '="3915562010231234567"',
    "纯棉短袖T恤",
    "79.00",
    "2",
    "北京 朝阳区 建国路88号",
    "2024-03-01 10:15:30",
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding_reads_the_same_rows(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "orders.csv", HEADER, [ROW], encoding=encoding)
    stream = read_rows(path, filename=path.name, profile=TAOBAO)
    assert stream.encoding == encoding
    (row,) = list(stream)
    assert row == {
        "订单编号": "3915562010231234567",
        "标题": "纯棉短袖T恤",
        "价格": "79.00",
        "购买数量": "2",
        "收货地址": "北京 朝阳区 建国路88号",
        "订单创建时间": "2024-03-01 10:15:30",
    }
    assert stream.header_row == 2 and row.number == 3 and row.lossy == frozenset()


def test_gb18030_is_found_even_when_the_first_megabytes_are_ascii() -> None:
    """UTF-8 is tried strictly over the whole file, so a late Chinese cell is never mis-decoded."""
    filler = [
        [f"A{i:07d}", "ascii title", "1.00", "1", "road 1", "2024-03-01 10:00:00"]
        for i in range(40000)
    ]
    data = csv_bytes(HEADER, [*filler, ROW], encoding="gb18030", title=None)
    assert len(data) > 2_000_000
    stream = read_rows(data, filename="orders.csv", profile=TAOBAO)
    assert stream.encoding == "gb18030"
    assert list(stream)[-1]["标题"] == "纯棉短袖T恤"


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused() -> None:
    data = "订单编号,标题\n1,x\n".encode() + b"\xff\xff\x80\n"
    with pytest.raises(ParseError) as caught:
        read_rows(data, filename="orders.csv")
    assert caught.value.code == "IMPORT_BAD_ENCODING"


def test_tab_separated_text_named_xls_is_read_as_text() -> None:
    data = csv_bytes(HEADER, [ROW], delimiter="\t", encoding="gb18030")
    stream = read_rows(data, filename="ExportOrderList.xls", profile=TAOBAO)
    assert (stream.format, stream.delimiter) == ("csv", "\t")
    assert next(iter(stream))["价格"] == "79.00"


def test_text_guards_tabs_and_apostrophes_are_removed_but_other_text_is_kept() -> None:
    header = ["订单编号", "子订单编号", "标题", "价格", "购买数量", "买家留言"]
    rows = [
        [
            '="3915562010231234567"',
            "\t6923456789012345611",
            "Levi's 501 ='x'",
            "'79.00",
            " 2 ",
            "'hello",
        ]
    ]
    (row,) = read_rows(csv_bytes(header, rows), filename="x.csv", profile=TAOBAO)
    assert row["订单编号"] == "3915562010231234567"
    assert row["子订单编号"] == "6923456789012345611"
    assert row["标题"] == "Levi's 501 ='x'"
    assert row["价格"] == "79.00"
    assert row["购买数量"] == "2"
    assert row["买家留言"] == "'hello"


def test_title_lines_blank_rows_and_short_rows() -> None:
    lines = [
        TITLE_LINE,
        "",
        "店铺：汇单旗舰店",
        ",".join(HEADER),
        "A1,帽子,10.00,1",
        ",,,,,",
        "A2,袜子,5.00,2,上海市 上海市 浦东新区 张江路1号,2024-03-01 10:00:00,extra",
    ]
    stream = read_rows("\r\n".join(lines).encode(), filename="x.csv", profile=TAOBAO)
    rows = list(stream)
    assert stream.header_row == 4
    assert [row.number for row in rows] == [5, 7]
    assert rows[0]["收货地址"] == "" and rows[0]["订单创建时间"] == ""
    assert rows[1]["订单创建时间"] == "2024-03-01 10:00:00"
    assert stream.total_rows == 3  # an estimate from line counts, for a progress bar


def test_without_a_profile_the_first_non_empty_row_is_the_header() -> None:
    data = b"\r\norder_no,,sku,sku\r\nA1,x,S1,S2\r\n"
    stream = read_rows(data, filename="x.csv")
    assert stream.header == ("order_no", "column 2", "sku", "sku#2")
    assert list(stream) == [{"order_no": "A1", "column 2": "x", "sku": "S1", "sku#2": "S2"}]


def test_a_file_without_the_required_columns_names_them() -> None:
    data = csv_bytes(["订单编号", "标题"], [["1", "x"]])
    with pytest.raises(ParseError) as caught:
        read_rows(data, filename="x.csv", profile=TAOBAO)
    assert caught.value.code == "IMPORT_MISSING_COLUMN"
    assert "quantity" in caught.value.message and "购买数量" in caught.value.message
    assert "price" in caught.value.message and "价格" in caught.value.message


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ParseError) as caught:
        read_rows(b"", filename="x.csv")
    assert caught.value.code == "IMPORT_EMPTY_FILE"


def test_a_stream_can_be_read_twice_and_scanned_by_column() -> None:
    data = csv_bytes(HEADER, [ROW, ["A2", "袜子", "5", "1", "", ""]])
    stream = read_rows(data, filename="x.csv", profile=TAOBAO)
    assert [r["订单编号"] for r in stream] == [r["订单编号"] for r in stream]
    assert list(stream.column_values("订单编号")) == ["3915562010231234567", "A2"]


# -- XLSX -----------------------------------------------------------------------------------------


def test_xlsx_cells_become_exact_text(tmp_path: Path) -> None:
    header = [
        "订单编号",
        "子订单编号",
        "标题",
        "价格",
        "购买数量",
        "订单创建时间",
        "发货日期",
        "是否预售",
    ]
    values = [
        "3915562010231234567",  # a text cell: exact
        11729384072,  # a number cell that fits a double exactly
        '="6923456789012345611"',  # a literal text guard
        12.3,
        2.0,
        datetime(2024, 3, 1, 10, 15, 30),
        date(2024, 3, 2),
        True,
    ]
    path = write_xlsx(tmp_path / "o.xlsx", header, [values])
    stream = read_rows(path, filename=path.name, profile=TAOBAO)
    (row,) = list(stream)
    assert stream.format == "xlsx" and stream.header_row == 2 and row.number == 3
    assert row == {
        "订单编号": "3915562010231234567",
        "子订单编号": "11729384072",
        "标题": "6923456789012345611",
        "价格": "12.3",
        "购买数量": "2",
        "订单创建时间": "2024-03-01 10:15:30",
        "发货日期": "2024-03-02",
        "是否预售": "TRUE",
    }
    assert row.lossy == frozenset()


def test_a_long_order_number_stored_as_a_number_cell_is_flagged_lossy(tmp_path: Path) -> None:
    """Calamine hands back a float: 3915562010231234567 → 3.915562010231235e+18 (digits gone)."""
    path = write_xlsx(tmp_path / "o.xlsx", HEADER[:4], [[3915562010231234567, "帽子", 10, 1]])
    (row,) = read_rows(path, filename=path.name, profile=TAOBAO)
    assert row["订单编号"] == "3.915562010231235e+18"  # never made-up digits
    assert row.lossy == frozenset({"订单编号"})


def test_float_text_rules() -> None:
    assert float_text(1.0) == ("1", False)
    assert float_text(1299.5) == ("1299.5", False)
    assert float_text(12.300000000000001) == ("12.3", False)
    assert float_text(float(2**53 - 1)) == ("9007199254740991", False)
    assert float_text(3.915562010231235e18) == ("3.915562010231235e+18", True)


def test_xlsx_bytes_and_a_named_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "o.xlsx", HEADER, [ROW], sheet="订单报表")
    stream = read_rows(path.read_bytes(), filename="o.xlsx", profile=TAOBAO, sheet="订单报表")
    assert next(iter(stream))["订单编号"] == "3915562010231234567"
    assert stream.total_rows == 1
    with pytest.raises(ParseError) as caught:
        read_rows(path, filename="o.xlsx", sheet="销售明细")
    assert caught.value.code == "IMPORT_SHEET_NOT_FOUND" and "订单报表" in caught.value.message
