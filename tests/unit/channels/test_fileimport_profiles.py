"""Column-mapping profiles: built-in headers, header matching, statuses, seller-defined JSON."""

from __future__ import annotations

import json

import pytest

from orderhub.channels.base import ParseError
from orderhub.channels.fileimport import (
    AmountRule,
    Profile,
    ProfileError,
    builtin_profiles,
    normalise_header,
)
from orderhub.orders.domain import ChannelState
from orderhub.orders.lifecycle import PaymentStatus
from tests.unit.channels.exports import PLATFORMS

C, P = ChannelState, PaymentStatus
PROFILES = builtin_profiles()


def test_the_builtin_profiles_and_tmall_is_taobao() -> None:
    assert set(PROFILES) == {"taobao", "tmall", "jd", "pdd", "douyin", "generic-csv"}
    assert PROFILES["tmall"] is PROFILES["taobao"]
    assert PROFILES["douyin"].amount_rule is AmountRule.ROW_SHARES
    assert all(p.currency == "CNY" for p in PROFILES.values())
    assert PROFILES["jd"].timezone == "Asia/Shanghai" and PROFILES["generic-csv"].timezone == "UTC"


def test_header_text_is_compared_normalised() -> None:
    assert normalise_header(" 商品数量（件） ") == "商品数量(件)"
    assert normalise_header("\ufeffOrder No") == "orderno"
    assert normalise_header("收货人\u3000姓名") == "收货人姓名"


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        (
            "taobao",
            {"order_no": "订单编号", "line_id": "子订单编号", "title": "标题", "quantity": "购买数量",
             "unit_price": "价格", "total": "买家实际支付金额", "shipping_fee": "买家应付邮费",
             "sku_code": "商家编码", "spec": "商品属性", "phone": "联系手机", "address": "收货地址",
             "seller_note": "订单备注", "placed_at": "订单创建时间", "paid_at": "订单付款时间"},
        ),
        (
            "jd",
            {"order_no": "订单号", "platform_sku_id": "商品ID", "unit_price": "京东价",
             "quantity": "订购数量", "total": "应付金额", "shipping_fee": "运费金额",
             "address": "客户地址", "buyer_note": "订单备注", "seller_note": "商家备注",
             "sku_code": "货号", "paid_at": "付款确认时间"},
        ),
        (
            "pdd",
            {"order_no": "订单号", "title": "商品", "line_total": "商品总价(元)",
             "quantity": "商品数量(件)", "total": "用户实付金额(元)", "platform_sku_id": "样式ID",
             "sku_code": "商家编码-规格维度", "town": "街道", "street": "详细地址",
             "placed_at": "订单成交时间", "paid_at": "支付时间"},
        ),
        (
            "douyin",
            {"order_no": "主订单编号", "line_id": "子订单编号", "title": "选购商品",
             "unit_price": "商品单价", "total": "订单应付金额", "order_discount": "优惠总金额",
             "phone": "收件人手机号", "placed_at": "订单提交时间", "paid_at": "支付完成时间"},
        ),
    ],
)  # fmt: skip
def test_each_builtin_profile_resolves_its_real_export_header(
    platform: str, expected: dict[str, str]
) -> None:
    columns = PROFILES[platform].column_map(PLATFORMS[platform].header)
    for name, header in expected.items():
        assert columns.key(name) == header, name


def test_pdd_discount_is_the_sum_of_its_three_columns() -> None:
    columns = PROFILES["pdd"].column_map(PLATFORMS["pdd"].header)
    assert columns.keys["order_discount"] == (
        "店铺优惠折扣(元)",
        "平台优惠折扣(元)",
        "多多支付立减金额(元)",
    )


def test_full_width_brackets_spaces_and_missing_units_still_match() -> None:
    columns = PROFILES["pdd"].column_map(["订单号", "商品数量（件）", " 商品总价 ", "用户实付金额"])
    assert columns.key("quantity") == "商品数量（件）"
    assert columns.key("line_total") == " 商品总价 "
    assert columns.key("total") == "用户实付金额"


def test_a_header_without_the_required_columns_is_a_file_level_error() -> None:
    with pytest.raises(ParseError) as caught:
        PROFILES["jd"].column_map(["订单号", "商品名称", "客户姓名"])
    assert caught.value.code == "IMPORT_MISSING_COLUMN"
    assert caught.value.field == "quantity,unit_price"
    assert "订购数量" in caught.value.message and "京东价" in caught.value.message


@pytest.mark.parametrize(
    ("platform", "text", "meaning"),
    [
        ("taobao", "等待买家付款", (C.AWAITING_PAYMENT, P.UNPAID)),
        ("taobao", "买家已付款，等待卖家发货", (C.PAID, None)),
        ("taobao", "买家已付款,等待卖家发货", (C.PAID, None)),
        ("taobao", "卖家已发货，等待买家确认", (C.SHIPPED, None)),
        ("taobao", "交易成功", (C.COMPLETED, None)),
        ("taobao", "交易关闭", (C.CANCELLED, None)),
        ("taobao", "退款中", (C.REFUND_REQUESTED, P.PAID)),
        ("taobao", "付款以后用户退款成功，交易自动关闭", (C.CANCELLED, P.REFUNDED)),
        ("jd", "等待出库", (C.PAID, None)),
        ("jd", "等待确认收货", (C.SHIPPED, None)),
        ("jd", "完成", (C.COMPLETED, None)),
        ("jd", "(删除)等待出库", (C.CANCELLED, None)),
        ("jd", "（删除）等待出库", (C.CANCELLED, None)),
        ("jd", "锁定", (C.REFUND_REQUESTED, P.PAID)),
        ("pdd", "待发货", (C.PAID, None)),
        ("pdd", "已发货，待签收", (C.SHIPPED, None)),
        ("pdd", "未发货，退款成功", (C.CANCELLED, P.REFUNDED)),
        ("douyin", "备货中", (C.PAID, None)),
        ("douyin", "已关闭", (C.CANCELLED, None)),
        ("generic-csv", "Shipped", (C.SHIPPED, None)),
    ],
)
def test_status_texts_map_to_channel_states(
    platform: str, text: str, meaning: tuple[ChannelState, PaymentStatus | None]
) -> None:
    assert PROFILES[platform].status_meaning(text) == meaning


def test_unlisted_status_text_falls_back_to_keywords_or_is_unknown() -> None:
    taobao = PROFILES["taobao"]
    assert taobao.status_meaning("卖家部分发货，等待买家确认") == (C.SHIPPED, None)
    assert taobao.status_meaning("交易关闭（买家取消）") == (C.CANCELLED, None)
    assert taobao.status_meaning("预售中") is None
    assert PROFILES["generic-csv"].status_meaning("on the way") is None


@pytest.mark.parametrize("name", ["taobao", "jd", "pdd", "douyin", "generic-csv"])
def test_every_builtin_profile_survives_a_json_round_trip(name: str) -> None:
    profile = PROFILES[name]
    again = Profile.from_dict(json.loads(json.dumps(profile.to_dict(), ensure_ascii=False)))
    assert again == profile


SELLER_PROFILE = """
{
  "name": "my-erp-export",
  "platform": "custom",
  "currency": "usd",
  "timezone": "America/New_York",
  "columns": {
    "order_no": ["单号", "订单号"],
    "quantity": "数量",
    "unit_price": "单价",
    "title": "商品名称",
    "receiver_name": "收货人",
    "address": "地址",
    "placed_at": "下单时间",
    "status": "状态"
  },
  "status_map": {"已付款": "paid", "已退款": ["cancelled", "refunded"]},
  "status_keywords": [["发货", "shipped"]]
}
"""


def test_a_seller_profile_from_json() -> None:
    profile = Profile.from_dict(json.loads(SELLER_PROFILE))
    assert (profile.name, profile.currency, profile.amount_rule) == (
        "my-erp-export",
        "USD",
        AmountRule.ORDER_LEVEL,
    )
    assert profile.columns["quantity"] == ("数量",)
    assert profile.status_meaning("已退款") == (C.CANCELLED, P.REFUNDED)
    assert profile.status_meaning("部分发货") == (C.SHIPPED, None)
    assert profile.column_map(["订单号", "数量", "单价"]).key("order_no") == "订单号"


def test_a_bad_seller_profile_lists_every_problem_at_once() -> None:
    data = {
        "name": "broken",
        "colour": "red",
        "amount_rule": "per_line",
        "currency": "RMB",
        "timezone": "Mars/Base",
        "columns": {"order_number": "单号", "title": "商品"},
        "summed": ["title"],
        "status_map": {"已付款": "payed"},
    }
    with pytest.raises(ProfileError) as caught:
        Profile.from_dict(data)
    text = " | ".join(caught.value.problems)
    assert "unknown key 'colour'" in text
    assert "amount_rule must be one of order_level, row_shares" in text
    assert "'payed' is not a state" in text
    assert "unknown field 'order_number' (did you mean 'order_no'?)" in text
    assert "order number ('order_no')" in text
    assert "quantity ('quantity')" in text
    assert "price ('unit_price', 'line_total' or 'line_amount')" in text
    assert "can be summed, not 'title'" in text
    assert "unknown currency 'RMB'" in text
    assert "unknown time zone 'Mars/Base'" in text
    assert caught.value.code == "IMPORT_PROFILE_INVALID"


def test_a_profile_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ProfileError, match="must be a JSON object"):
        Profile.from_dict([])  # type: ignore[arg-type]
    with pytest.raises(ProfileError, match="'columns' must be an object"):
        Profile.from_dict({"name": "x", "columns": ["order_no"]})
