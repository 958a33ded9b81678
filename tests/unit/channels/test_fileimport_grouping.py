"""Rows → orders: every built-in profile on realistic exports, and each way a group is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from orderhub.channels.base import ParseError
from orderhub.channels.fileimport import (
    ImportItem,
    Profile,
    RejectedGroup,
    builtin_profiles,
    drafts_from_rows,
    read_rows,
    split_address,
)
from orderhub.orders.domain import ChannelState, OrderDraft
from orderhub.orders.lifecycle import PaymentStatus
from tests.unit.channels.exports import (
    PLATFORMS,
    SAMPLES,
    SHENZHEN,
    STATUS_TEXT,
    Cell,
    Sample,
    Style,
    csv_bytes,
    export_table,
    utc,
    write_export,
    write_xlsx,
)

D = Decimal
PROFILES = builtin_profiles()
STATES = {
    "awaiting": ChannelState.AWAITING_PAYMENT,
    "paid": ChannelState.PAID,
    "shipped": ChannelState.SHIPPED,
    "completed": ChannelState.COMPLETED,
}
FORMATS = ["csv-utf8", "csv-gb18030", "xlsx"]
ALL_PLATFORMS = ["taobao", "jd", "pdd", "douyin", "generic-csv"]


def import_file(path: Path, platform: str) -> list[ImportItem]:
    profile = PROFILES[platform]
    stream = read_rows(path, filename=path.name, profile=profile)
    return list(drafts_from_rows(stream, profile, source_name=path.name))


def import_bytes(data: bytes, platform: str, filename: str = "export.csv") -> list[ImportItem]:
    profile = PROFILES[platform]
    stream = read_rows(data, filename=filename, profile=profile)
    return list(drafts_from_rows(stream, profile, source_name=filename))


def drafts(items: list[ImportItem]) -> dict[str, OrderDraft]:
    bad = [item for item in items if isinstance(item, RejectedGroup)]
    assert not bad, [(b.code, b.message) for b in bad]
    return {item.platform_order_id: item for item in items if isinstance(item, OrderDraft)}


def only_rejection(items: list[ImportItem]) -> RejectedGroup:
    rejected = [item for item in items if isinstance(item, RejectedGroup)]
    assert len(rejected) == 1, items
    return rejected[0]


# -- every profile, every format ------------------------------------------------------------------


def expected_place(platform: str, sample: Sample) -> tuple[str, str, str, str, str]:
    place = sample.place
    province = "广东" if platform == "jd" and place is SHENZHEN else place.province
    postcode = place.postcode if platform in ("taobao", "generic-csv") else ""
    return province, place.city, place.district, place.street, postcode


def check_draft(draft: OrderDraft, sample: Sample, platform: str) -> None:
    assert draft.currency == "CNY"
    assert [line.title for line in draft.lines] == [item.title for item in sample.items]
    assert [line.quantity for line in draft.lines] == [item.quantity for item in sample.items]
    assert [line.unit_price for line in draft.lines] == [item.price for item in sample.items]
    assert [line.discount for line in draft.lines] == [D(0)] * len(sample.items)
    assert [line.sku_code for line in draft.lines] == [item.sku for item in sample.items]
    with_sku_id = platform in ("jd", "pdd", "douyin")
    assert [line.platform_sku_id for line in draft.lines] == [
        item.sku_id if with_sku_id else None for item in sample.items
    ]
    assert [line.spec for line in draft.lines] == [
        "" if platform == "jd" else item.spec for item in sample.items
    ]
    receiver = draft.receiver
    assert (receiver.name, receiver.phone, receiver.country) == (
        sample.receiver,
        sample.phone,
        "CN",
    )
    parts = (
        receiver.province,
        receiver.city,
        receiver.district,
        receiver.street,
        receiver.postcode,
    )
    assert parts == expected_place(platform, sample)
    assert draft.placed_at == utc(sample.placed)
    assert draft.paid_at == (utc(sample.paid) if sample.paid else None)
    assert draft.version_time == (draft.paid_at or draft.placed_at)
    assert (draft.total, draft.shipping_fee, draft.order_discount) == (
        sample.total,
        sample.shipping,
        sample.discount,
    )
    assert draft.expected_total == draft.total
    assert draft.channel_state is STATES[sample.status]
    paid = PaymentStatus.UNPAID if sample.status == "awaiting" else PaymentStatus.PAID
    assert draft.payment_status is paid
    assert draft.platform_status == STATUS_TEXT[platform][sample.status]
    nick = sample.buyer if platform in ("taobao", "jd", "generic-csv") else None
    assert draft.buyer_nick == nick
    assert draft.buyer_note == ("" if platform == "pdd" else sample.buyer_note)
    assert draft.seller_note == sample.seller_note
    inferred = platform in ("taobao", "jd") and sample.discount > 0
    assert draft.extra.get("discount_inferred") == (str(sample.discount) if inferred else None)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("platform", ALL_PLATFORMS)
def test_each_profile_imports_its_realistic_export(tmp_path: Path, platform: str, fmt: str) -> None:
    yuan = platform in ("taobao", "jd")  # "￥1,299.00" amounts
    path = write_export(tmp_path, platform, fmt, style=Style(yuan=yuan))
    items = import_file(path, platform)
    found = drafts(items)
    samples = PLATFORMS[platform].samples
    assert list(found) == [sample.order_no(platform) for sample in samples]  # emission order
    for sample in samples:
        check_draft(found[sample.order_no(platform)], sample, platform)


def test_utf8_with_bom_too(tmp_path: Path) -> None:
    found = drafts(import_file(write_export(tmp_path, "douyin", "csv-bom"), "douyin"))
    check_draft(found[SAMPLES[0].order_no("douyin")], SAMPLES[0], "douyin")


def test_scattered_rows_make_the_same_orders_as_contiguous_rows(tmp_path: Path) -> None:
    scattered = drafts(import_file(write_export(tmp_path, "taobao", "csv-utf8"), "taobao"))
    header, rows = export_table("taobao", scattered=False)
    contiguous = drafts(import_bytes(csv_bytes(header, rows), "taobao"))
    order3 = SAMPLES[2].order_no("taobao")
    assert scattered[order3].extra["import_rows"] == "3,6,8"  # its rows were spread out
    assert contiguous[order3].extra["import_rows"] == "6,7,8"
    for key, draft in scattered.items():
        assert draft.lines == contiguous[key].lines
        assert draft.total == contiguous[key].total


def test_raw_payload_keeps_the_rows_with_their_numbers(tmp_path: Path) -> None:
    found = drafts(import_file(write_export(tmp_path, "taobao", "csv-utf8"), "taobao"))
    raw = json.loads(found[SAMPLES[2].order_no("taobao")].raw_payload)
    assert raw["source"] == "taobao-csv-utf8.csv"
    assert [row["row"] for row in raw["rows"]] == [3, 6, 8]
    first = raw["rows"][0]["cells"]
    assert first["订单编号"] == SAMPLES[2].order_no("taobao")
    assert first["标题"] == "A4打印纸 70g 500张"
    assert "联系电话" not in first  # empty cells are left out


def test_a_plain_list_and_a_one_shot_iterator_of_rows_work_too() -> None:
    header, table = export_table("generic-csv")
    rows = [dict(zip(header, map(str, values), strict=True)) for values in table]
    from_list = drafts(list(drafts_from_rows(rows, PROFILES["generic-csv"], source_name="api")))
    one_shot: Iterator[dict[str, str]] = iter(rows)
    from_iter = drafts(list(drafts_from_rows(one_shot, PROFILES["generic-csv"], source_name="api")))
    assert from_list.keys() == from_iter.keys() == {s.order_no("generic-csv") for s in SAMPLES}
    for sample in SAMPLES:
        check_draft(from_list[sample.order_no("generic-csv")], sample, "generic-csv")


def test_a_seller_profile_from_json_reads_a_custom_export() -> None:
    profile = Profile.from_dict(
        {
            "name": "my-erp",
            "columns": {
                "order_no": "单号",
                "quantity": "数量",
                "line_amount": "金额",
                "title": "品名",
                "address": "地址",
                "placed_at": "下单时间",
            },
        }
    )
    data = csv_bytes(
        ["单号", "品名", "数量", "金额", "地址", "下单时间"],
        [["E1", "茶叶", "3", "100.00", "浙江省杭州市西湖区龙井路1号", "2024/3/5 8:00"]],
    )
    stream = read_rows(data, filename="erp.csv", profile=profile)
    (draft,) = drafts(list(drafts_from_rows(stream, profile, source_name="erp.csv"))).values()
    (line,) = draft.lines
    assert (line.unit_price, line.discount, line.amount) == (D("33.34"), D("0.02"), D("100.00"))
    assert (draft.receiver.province, draft.receiver.city, draft.receiver.district) == (
        "浙江省",
        "杭州市",
        "西湖区",
    )
    assert draft.placed_at == utc("2024-03-05 08:00:00")
    assert (draft.total, draft.channel_state) == (D("100.00"), ChannelState.PAID)


# -- amounts ----------------------------------------------------------------------------------------


def taobao_rows(**changes: str) -> tuple[list[str], list[list[Cell]]]:
    """The taobao export of the first sample (two rows), with cells of the first row changed."""
    header, rows = export_table("taobao", [SAMPLES[0]], scattered=False)
    for name, value in changes.items():
        rows[0][header.index(name)] = value
    return header, rows


def test_a_stated_total_above_lines_plus_shipping_is_an_amount_mismatch() -> None:
    header, rows = taobao_rows()
    for row in rows:
        row[header.index("买家实际支付金额")] = "1500.00"
    rejected = only_rejection(import_bytes(csv_bytes(header, rows), "taobao"))
    assert rejected.code == "AMOUNT_MISMATCH" and rejected.field == "total"
    assert rejected.row_numbers == (3, 4)
    assert rejected.platform_order_id == SAMPLES[0].order_no("taobao")
    assert "1500.00" in rejected.message


def test_pdd_line_total_that_does_not_divide_evenly() -> None:
    header, rows = export_table("pdd", scattered=False)
    row = rows[0]
    for name, value in {
        "商品总价(元)": "10.00",
        "商品数量(件)": "3",
        "用户实付金额(元)": "10.00",
    }.items():
        row[header.index(name)] = value
    found = drafts(import_bytes(csv_bytes(header, [row]), "pdd"))
    (line,) = next(iter(found.values())).lines
    assert (line.unit_price, line.discount, line.amount) == (D("3.34"), D("0.02"), D("10.00"))


def test_douyin_money_is_the_sum_of_the_row_shares() -> None:
    header, rows = export_table("douyin", [SAMPLES[0]], scattered=False)
    shares = [row[header.index("订单应付金额")] for row in rows]
    assert shares == ["165.83", "1281.17"]  # 158 − 2.17 + 10 and 1299 − 17.83
    (draft,) = drafts(import_bytes(csv_bytes(header, rows), "douyin")).values()
    assert (draft.total, draft.shipping_fee, draft.order_discount) == (
        D("1447.00"),
        D("10.00"),
        D("20.00"),
    )


# -- statuses ---------------------------------------------------------------------------------------


def test_one_closed_sub_order_does_not_close_a_shipped_order() -> None:
    header, rows = taobao_rows(订单状态="交易关闭")
    rows[1][header.index("订单状态")] = "卖家已发货，等待买家确认"
    (draft,) = drafts(import_bytes(csv_bytes(header, rows), "taobao")).values()
    assert draft.channel_state is ChannelState.SHIPPED
    assert draft.platform_status == "交易关闭 / 卖家已发货，等待买家确认"


def test_an_after_sale_refund_request_holds_a_paid_order() -> None:
    header, rows = export_table("pdd", scattered=False)
    paid_row = rows[1]
    paid_row[header.index("售后状态")] = "退款中"
    (draft,) = drafts(import_bytes(csv_bytes(header, [paid_row]), "pdd")).values()
    assert draft.channel_state is ChannelState.REFUND_REQUESTED
    assert draft.payment_status is PaymentStatus.PAID


def test_a_closed_order_that_was_paid_is_refunded() -> None:
    header, rows = taobao_rows(订单状态="交易关闭")
    rows[1][header.index("订单状态")] = "交易关闭"
    (draft,) = drafts(import_bytes(csv_bytes(header, rows), "taobao")).values()
    assert (draft.channel_state, draft.payment_status) == (
        ChannelState.CANCELLED,
        PaymentStatus.REFUNDED,
    )


def test_an_unknown_status_is_refused_not_guessed() -> None:
    header, rows = taobao_rows(订单状态="预售尾款中")
    rejected = only_rejection(import_bytes(csv_bytes(header, rows), "taobao"))
    assert rejected.code == "IMPORT_UNKNOWN_STATUS"
    assert "预售尾款中" in rejected.message and "status_map" in rejected.message


# -- refused groups ---------------------------------------------------------------------------------


def test_a_bad_number_is_refused_with_its_row_and_column() -> None:
    header, rows = taobao_rows(购买数量="两件")
    items = import_bytes(csv_bytes(header, rows), "taobao")
    rejected = only_rejection(items)
    assert rejected.code == "IMPORT_BAD_NUMBER"
    assert rejected.field == "lines[0].quantity"
    assert rejected.row_numbers == (3, 4)
    assert "row 3, column 购买数量" in rejected.message and "两件" in rejected.message
    assert json.loads(rejected.raw)["rows"][0]["cells"]["购买数量"] == "两件"


def test_a_bad_amount_is_refused() -> None:
    header, rows = taobao_rows(价格="七十九")
    rejected = only_rejection(import_bytes(csv_bytes(header, rows), "taobao"))
    assert (rejected.code, rejected.field) == ("IMPORT_BAD_NUMBER", "lines[0].unit_price")


def test_a_bad_date_is_refused() -> None:
    header, rows = taobao_rows(订单创建时间="2024-13-45 25:00:00")
    for row in rows:
        row[header.index("订单创建时间")] = "2024-13-45 25:00:00"
    rejected = only_rejection(import_bytes(csv_bytes(header, rows), "taobao"))
    assert (rejected.code, rejected.field) == ("IMPORT_BAD_DATE", "placed_at")
    assert "2024-13-45 25:00:00" in rejected.message and rejected.row_numbers == (3, 4)


def test_conflicting_order_values_across_rows_are_refused() -> None:
    header, rows = taobao_rows(收货人姓名="李四")
    rejected = only_rejection(import_bytes(csv_bytes(header, rows), "taobao"))
    assert rejected.code == "IMPORT_INCONSISTENT_ORDER"
    assert rejected.field == "收货人姓名" and rejected.row_numbers == (3, 4)
    assert "rows 3 and 4 disagree on 收货人姓名: '李四' vs '张伟'" in rejected.message


def test_conflicting_order_amounts_are_refused_but_equal_ones_in_other_formats_are_not() -> None:
    header, rows = taobao_rows(买家实际支付金额="1447")  # same amount, other spelling
    assert drafts(import_bytes(csv_bytes(header, rows), "taobao"))
    header, rows = taobao_rows(买家实际支付金额="1400.00")
    rejected = only_rejection(import_bytes(csv_bytes(header, rows), "taobao"))
    assert (rejected.code, rejected.field) == ("IMPORT_INCONSISTENT_ORDER", "买家实际支付金额")


def test_order_values_stated_only_on_the_first_row_are_fine() -> None:
    header, rows = taobao_rows()
    for name in ("收货人姓名", "收货地址", "联系手机", "买家实际支付金额", "订单创建时间"):
        rows[1][header.index(name)] = ""
    (draft,) = drafts(import_bytes(csv_bytes(header, rows), "taobao")).values()
    check_draft(draft, SAMPLES[0], "taobao")


def test_a_row_without_an_order_number_is_refused_alone() -> None:
    header, rows = taobao_rows()
    blank = list(rows[1])
    blank[header.index("订单编号")] = ""
    items = import_bytes(csv_bytes(header, [*rows, blank]), "taobao")
    rejected = only_rejection(items)
    assert (rejected.code, rejected.row_numbers) == ("ORDER_ID_MISSING", (5,))
    assert rejected.platform_order_id is None
    assert len(drafts([i for i in items if not isinstance(i, RejectedGroup)])) == 1


def test_the_same_row_twice_counts_once_but_a_changed_copy_is_refused() -> None:
    header, rows = taobao_rows()
    found = drafts(import_bytes(csv_bytes(header, [*rows, rows[1]]), "taobao"))
    assert len(next(iter(found.values())).lines) == 2
    changed = list(rows[1])
    changed[header.index("购买数量")] = "5"
    rejected = only_rejection(import_bytes(csv_bytes(header, [*rows, changed]), "taobao"))
    assert rejected.code == "IMPORT_INCONSISTENT_ORDER" and rejected.field == "子订单编号"


def test_missing_columns_fail_the_file_before_any_row() -> None:
    header, rows = export_table("jd")
    keep = [i for i, name in enumerate(header) if name not in ("订购数量", "京东价")]
    data = [{header[i]: str(row[i]) for i in keep} for row in rows]
    with pytest.raises(ParseError) as caught:
        drafts_from_rows(data, PROFILES["jd"], source_name="jd.csv")  # raises on call, not lazily
    assert caught.value.code == "IMPORT_MISSING_COLUMN"
    assert "订购数量" in caught.value.message and "京东价" in caught.value.message


# -- long order numbers -----------------------------------------------------------------------------


def test_a_long_order_number_survives_xlsx_as_text(tmp_path: Path) -> None:
    header, rows = export_table("taobao", [SAMPLES[0]], style=Style(guard_ids=False))
    assert isinstance(rows[0][0], str)
    path = write_xlsx(tmp_path / "text.xlsx", header, rows)
    (draft,) = drafts(import_file(path, "taobao")).values()
    assert draft.platform_order_id == "3915562010231234501"


def test_a_long_order_number_in_a_number_cell_is_refused(tmp_path: Path) -> None:
    """Excel keeps 15 digits; the seller must export the column as text."""
    header, rows = export_table("taobao", [SAMPLES[0]], style=Style(guard_ids=False))
    for row in rows:
        row[0] = int(str(row[0]))  # what Excel does when the column is "General"
    path = write_xlsx(tmp_path / "number.xlsx", header, rows)
    rejected = only_rejection(import_file(path, "taobao"))
    assert rejected.code == "IMPORT_BAD_NUMBER" and rejected.field == "订单编号"
    assert "lost digits" in rejected.message and "as text" in rejected.message
    assert rejected.platform_order_id == "3.915562010231235e+18"
    assert rejected.row_numbers == (3, 4)


def test_a_short_order_number_in_a_number_cell_is_exact(tmp_path: Path) -> None:
    header, rows = export_table("jd", [SAMPLES[1]])
    rows[0][0] = int(str(rows[0][0]))
    path = write_xlsx(tmp_path / "jd.xlsx", header, rows)
    assert list(drafts(import_file(path, "jd"))) == ["281729384002"]


def test_an_order_number_excel_turned_into_scientific_notation_is_refused() -> None:
    header, rows = taobao_rows()
    for row in rows:
        row[0] = "3.91556E+18"
    rejected = only_rejection(import_bytes(csv_bytes(header, rows), "taobao"))
    assert (rejected.code, rejected.field) == ("IMPORT_BAD_NUMBER", "platform_order_id")
    assert "scientific notation" in rejected.message


# -- addresses ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("广东省 深圳市 南山区 粤海街道科技园南区深南大道10000号",
         ("广东省", "深圳市", "南山区", "粤海街道科技园南区深南大道10000号", "")),
        ("北京市 北京市 朝阳区 建国路88号", ("北京市", "北京市", "朝阳区", "建国路88号", "")),
        ("北京 朝阳区 建国路88号", ("北京市", "北京市", "朝阳区", "建国路88号", "")),
        ("上海市浦东新区张江路1号", ("上海市", "上海市", "浦东新区", "张江路1号", "")),
        ("重庆 重庆市 渝中区 解放碑1号", ("重庆市", "重庆市", "渝中区", "解放碑1号", "")),
        ("浙江省 杭州市 西湖区 文三路100号(310000)", ("浙江省", "杭州市", "西湖区", "文三路100号", "310000")),
        ("江西南昌市青山湖区昌东工业区", ("江西", "南昌市", "青山湖区", "昌东工业区", "")),
        ("新疆维吾尔自治区 乌鲁木齐市 天山区 解放路1号", ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放路1号", "")),
        ("湖北省恩施土家族苗族自治州恩施市舞阳大道", ("湖北省", "恩施土家族苗族自治州", "恩施市", "舞阳大道", "")),
        ("江苏省苏州市昆山市玉山镇前进路8号", ("江苏省", "苏州市", "昆山市", "玉山镇前进路8号", "")),
        ("广东省 南山区粤海街道科技园", ("广东省", "", "南山区", "粤海街道科技园", "")),
        ("科技园南区深南大道10000号", ("", "", "", "科技园南区深南大道10000号", "")),
    ],
)  # fmt: skip
def test_full_addresses_are_split_by_simple_rules(
    text: str, parts: tuple[str, str, str, str, str]
) -> None:
    found = split_address(text)
    assert (found.province, found.city, found.district, found.street, found.postcode) == parts


def test_an_unpaid_order_is_worth_its_amount_due_not_its_undiscounted_price() -> None:
    header, rows = taobao_rows()
    for row in rows:
        row[header.index("订单状态")] = "等待买家付款"
        row[header.index("买家实际支付金额")] = "0.00"
        row[header.index("总金额")] = "1000.00"
    [draft] = drafts(list(import_bytes(csv_bytes(header, rows), "taobao"))).values()
    assert draft.payment_status is PaymentStatus.UNPAID
    assert draft.total == Decimal("1000.00")
    assert draft.expected_total == draft.total  # the coupon became the order discount
