"""The built-in profiles: the real Chinese headers of each back office's order export.

Where the headers come from (public material found with the code search; none of it is an
official specification, so common variants are kept as aliases):
- 淘宝/天猫 订单报表 (千牛 "已卖出的宝贝" → 批量导出): 订单编号, 买家会员名, 买家支付宝账号,
  买家应付货款, 买家应付邮费, 总金额, 买家实际支付金额, 订单状态, 买家留言, 收货人姓名,
  收货地址, 运送方式, 联系电话, 联系手机, 订单创建时间, 订单付款时间, 宝贝标题, 宝贝种类,
  物流单号, 物流公司, 订单备注, 宝贝总数量, 店铺名称 … (c2003070110/TBTool TaobaoSaledObject);
  宝贝报表 (one row per item): 订单编号, 标题, 价格, 购买数量, 外部系统编号, 商品属性, 套餐信息,
  备注, 订单状态, 商家编码; newer 千牛 per-item exports say 子订单编号, 主订单编号, 商品标题,
  商品价格, 买家实付金额, 商家备注 (several analysis scripts reading those files). A file with
  only the order report (no per-item price) is refused with IMPORT_MISSING_COLUMN.
- 京东 商家后台 订单导出 (30 columns, seen in a 2015 import script): 订单号, 商品ID, 商品名称,
  订购数量, 支付方式, 下单时间, 京东价, 订单金额, 结算金额, 余额支付, 应付金额, 订单状态,
  订单类型, 下单帐号, 客户姓名, 客户地址, 联系电话, 订单备注 (the buyer's), 发票…, 商家备注,
  商家备注等级, 运费金额, 付款确认时间, 增值税发票, 货号, 订单完成时间, 订单来源, 订单渠道;
  商家SKUID / 商家编码 / 优惠金额 are newer variants. 订单金额 and 应付金额 are order figures
  repeated on each item row.
- 拼多多 商家后台 订单查询导出 (headers in several analysis repos): 订单成交时间, 商品, 订单号,
  订单状态, 商品总价(元), 邮费(元), 店铺优惠折扣(元), 平台优惠折扣(元), 多多支付立减金额(元),
  用户实付金额(元), 商家实收金额(元), 商品数量(件), 发货时间, 确认收货时间, 商品id, 商品规格,
  样式ID, 商家编码-规格维度 (also seen as 商家编码-SKU维度), 商家编码-商品维度, 商家备注, 售后状态,
  快递单号, 快递公司; receiver columns 收货人, 手机, 省, 市, 区, 街道, 详细地址 when exported.
  Statuses: 待支付, 待发货, 已发货，待签收, 已签收, 未发货，退款成功, 已发货，退款成功, 已取消.
- 抖店 订单管理 → 批量导出: 主订单编号, 子订单编号, 选购商品, 商品规格, 商品数量, 商品ID, 商家编码,
  商品单价 (some scripts call it 商品金额, "注意：这是单价"), 订单应付金额, 运费, 优惠总金额,
  平台实际承担优惠金额, 收件人, 收件人手机号, 省, 市, 区, 街道, 详细地址, 是否修改过地址,
  订单提交时间, 支付完成时间, 订单完成时间, 承诺发货时间, 买家留言, 商家备注, 订单状态, 售后状态,
  取消原因, 流量来源 … Ids are written with a leading tab. One row per 子订单, and the money
  columns are that 子订单's share (the open platform's sku_order carries its own pay_amount and
  post_amount), hence `row_shares`. DOUBT: not confirmed from an official field list.
"""

from __future__ import annotations

from orderhub.channels.fileimport.profiles import AmountRule, Profile, StatusMeaning
from orderhub.orders.domain import ChannelState
from orderhub.orders.lifecycle import PaymentStatus

C, P = ChannelState, PaymentStatus
_Keywords = tuple[tuple[str, ChannelState, PaymentStatus | None], ...]

# Substring rules tried (in order) when a status text is not listed exactly.
CHINESE_STATUS_KEYWORDS: _Keywords = (
    ("删除", C.CANCELLED, None),
    ("退款成功", C.CANCELLED, P.REFUNDED),
    ("退款中", C.REFUND_REQUESTED, P.PAID),
    ("申请退款", C.REFUND_REQUESTED, P.PAID),
    ("关闭", C.CANCELLED, None),
    ("取消", C.CANCELLED, None),
    ("等待买家付款", C.AWAITING_PAYMENT, P.UNPAID),
    ("等待付款", C.AWAITING_PAYMENT, P.UNPAID),
    ("待付款", C.AWAITING_PAYMENT, P.UNPAID),
    ("待支付", C.AWAITING_PAYMENT, P.UNPAID),
    ("未付款", C.AWAITING_PAYMENT, P.UNPAID),
    ("交易成功", C.COMPLETED, None),
    ("已完成", C.COMPLETED, None),
    ("已签收", C.COMPLETED, None),
    ("已收货", C.COMPLETED, None),
    ("已发货", C.SHIPPED, None),
    ("部分发货", C.SHIPPED, None),
    ("待收货", C.SHIPPED, None),
    ("待签收", C.SHIPPED, None),
    ("等待买家确认", C.SHIPPED, None),
    ("等待确认收货", C.SHIPPED, None),
    ("等待卖家发货", C.PAID, None),
    ("待发货", C.PAID, None),
    ("已付款", C.PAID, None),
    ("已支付", C.PAID, None),
    ("等待出库", C.PAID, None),
    ("备货中", C.PAID, None),
)


def _states(**groups: tuple[str, ...]) -> dict[str, StatusMeaning]:
    meanings: dict[str, StatusMeaning] = {
        "awaiting": (C.AWAITING_PAYMENT, P.UNPAID),
        "paid": (C.PAID, None),
        "refund": (C.REFUND_REQUESTED, P.PAID),
        "shipped": (C.SHIPPED, None),
        "completed": (C.COMPLETED, None),
        "cancelled": (C.CANCELLED, None),
        "refunded": (C.CANCELLED, P.REFUNDED),
    }
    return {text: meanings[kind] for kind, texts in groups.items() for text in texts}


_CN_ADDRESS = {
    "province": ("省", "省份", "收货省份", "收件人省份"),
    "city": ("市", "城市", "收货城市"),
    "district": ("区", "区县", "县区", "收货区县"),
    "town": ("街道", "乡镇/街道"),
    "street": ("详细地址", "收货详细地址"),
    "postcode": ("邮编", "邮政编码"),
}


def taobao() -> Profile:
    return Profile(
        name="taobao",
        platform="taobao",
        note="淘宝/天猫 千牛 order export with item rows (宝贝报表 / per-item columns)",
        columns={
            "order_no": ("主订单编号", "订单编号", "订单号"),
            "line_id": ("子订单编号", "子订单号"),
            "title": ("商品标题", "标题", "宝贝标题", "宝贝名称"),
            "spec": ("商品属性", "销售属性", "宝贝属性", "商品规格"),
            "sku_code": ("商家编码", "外部系统编号", "SKU商家编码"),
            "platform_sku_id": ("SKU ID", "skuId", "商品ID", "宝贝ID"),
            "quantity": ("购买数量", "商品数量", "宝贝数量", "宝贝总数量"),
            "unit_price": ("价格", "商品价格", "商品单价", "宝贝单价", "单价"),
            "total": ("买家实际支付金额", "买家实付金额", "实付金额"),
            "payable": ("总金额",),
            "shipping_fee": ("买家应付邮费", "邮费", "运费"),
            "receiver_name": ("收货人姓名", "收货人"),
            "phone": ("联系手机", "联系电话", "收货人手机号", "手机号"),
            "address": ("收货地址",),
            **_CN_ADDRESS,
            "buyer_nick": ("买家会员名", "买家昵称"),
            "buyer_note": ("买家留言", "主订单买家留言"),
            "seller_note": ("商家备注", "卖家备注", "订单备注", "备注"),
            "status": ("订单状态",),
            "after_sale_status": ("退款状态",),
            "placed_at": ("订单创建时间", "创建时间", "下单时间"),
            "paid_at": ("订单付款时间", "付款时间", "支付时间"),
        },
        status_map=_states(
            awaiting=("等待买家付款",),
            paid=("买家已付款，等待卖家发货", "等待卖家发货", "买家已付款"),
            shipped=("卖家已发货，等待买家确认", "等待买家确认收货", "卖家部分发货"),
            completed=("交易成功",),
            cancelled=("交易关闭", "交易被淘宝关闭"),
            refunded=("付款以后用户退款成功，交易自动关闭",),
            refund=("退款中",),
        ),
        status_keywords=CHINESE_STATUS_KEYWORDS,
    )


def jd() -> Profile:
    return Profile(
        name="jd",
        platform="jd",
        note="京东商家后台 order export, one row per SKU, order figures repeated",
        columns={
            "order_no": ("订单号", "订单编号"),
            "title": ("商品名称",),
            "spec": ("商品规格", "销售属性", "规格"),
            "sku_code": ("商家SKUID", "商家SKU", "商家编码", "货号"),
            "platform_sku_id": ("商品ID", "商品编号", "SKU编号"),
            "quantity": ("订购数量", "商品数量", "数量"),
            "unit_price": ("京东价", "商品单价", "单价"),
            "total": ("应付金额", "用户应付金额", "订单应付金额"),
            "shipping_fee": ("运费金额", "运费"),
            "order_discount": ("优惠金额", "商家优惠金额"),
            "receiver_name": ("客户姓名", "收货人姓名", "收货人"),
            "phone": ("联系电话", "客户电话", "收货人电话", "手机号"),
            "address": ("客户地址", "收货地址"),
            **_CN_ADDRESS,
            "buyer_nick": ("下单帐号", "下单账号", "用户账号"),
            "buyer_note": ("订单备注", "客户留言", "买家备注"),
            "seller_note": ("商家备注",),
            "status": ("订单状态",),
            "placed_at": ("下单时间",),
            "paid_at": ("付款确认时间", "付款时间", "支付时间"),
            "updated_at": ("订单修改时间",),
        },
        status_map=_states(
            awaiting=("等待付款",),
            paid=("等待出库", "等待发货", "等待打印"),
            shipped=("等待确认收货", "已出库"),
            completed=("完成", "已完成"),
            cancelled=("已取消", "取消", "(删除)等待出库"),
            refund=("锁定", "已锁定"),
        ),
        status_keywords=CHINESE_STATUS_KEYWORDS,
    )


def pdd() -> Profile:
    return Profile(
        name="pdd",
        platform="pdd",
        note="拼多多商家后台 订单查询 export (one row per order; discounts in three columns)",
        columns={
            "order_no": ("订单号", "订单编号"),
            "title": ("商品", "商品名称"),
            "spec": ("商品规格",),
            "sku_code": ("商家编码-SKU维度", "商家编码-规格维度", "商家编码-商品维度", "商家编码"),
            "platform_sku_id": ("样式ID", "商品id"),
            "quantity": ("商品数量(件)", "商品数量"),
            "unit_price": ("商品单价(元)", "商品单价"),
            "line_total": ("商品总价(元)", "商品总价"),
            "total": ("用户实付金额(元)", "用户实付金额"),
            "shipping_fee": ("邮费(元)", "运费(元)", "邮费"),
            "order_discount": ("店铺优惠折扣(元)", "平台优惠折扣(元)", "多多支付立减金额(元)"),
            "receiver_name": ("收货人", "收货人姓名"),
            "phone": ("手机", "收货人手机号", "手机号", "收货人电话"),
            "address": ("收货地址",),
            **_CN_ADDRESS,
            "buyer_note": ("买家留言", "用户留言"),
            "seller_note": ("商家备注",),
            "status": ("订单状态",),
            "after_sale_status": ("售后状态",),
            "placed_at": ("订单创建时间", "下单时间", "订单成交时间"),
            "paid_at": ("支付时间", "订单付款时间", "拼单成功时间"),
        },
        summed=frozenset({"order_discount"}),
        status_map=_states(
            awaiting=("待支付",),
            paid=("待发货",),
            shipped=("已发货，待签收",),
            completed=("已签收", "已收货"),
            cancelled=("已取消",),
            refunded=("未发货，退款成功", "已发货，退款成功"),
        ),
        status_keywords=CHINESE_STATUS_KEYWORDS,
    )


def douyin() -> Profile:
    return Profile(
        name="douyin",
        platform="douyin",
        note="抖店 批量导出: one row per 子订单, money columns are that 子订单's share",
        amount_rule=AmountRule.ROW_SHARES,
        columns={
            "order_no": ("主订单编号", "订单编号"),
            "line_id": ("子订单编号",),
            "title": ("选购商品", "商品名称"),
            "spec": ("商品规格",),
            "sku_code": ("商家编码", "商品编码"),
            "platform_sku_id": ("SKU ID", "商品ID"),
            "quantity": ("商品数量",),
            "unit_price": ("商品单价", "商品金额"),
            "total": ("订单应付金额",),
            "shipping_fee": ("运费",),
            "order_discount": ("优惠总金额",),
            "receiver_name": ("收件人", "收货人"),
            "phone": ("收件人手机号", "收件人电话", "联系电话"),
            "address": ("收货地址",),
            **_CN_ADDRESS,
            "buyer_nick": ("买家昵称", "用户昵称"),
            "buyer_note": ("买家留言",),
            "seller_note": ("商家备注",),
            "status": ("订单状态",),
            "after_sale_status": ("售后状态",),
            "placed_at": ("订单提交时间", "下单时间"),
            "paid_at": ("支付完成时间", "支付时间"),
        },
        status_map=_states(
            awaiting=("待支付",),
            paid=("备货中", "待发货"),
            shipped=("已发货", "部分发货"),
            completed=("已完成",),
            cancelled=("已关闭", "已取消"),
        ),
        status_keywords=CHINESE_STATUS_KEYWORDS,
    )


def generic_csv() -> Profile:
    return Profile(
        name="generic-csv",
        platform="generic",
        timezone="UTC",
        note="English headers, one row per line item; naive times are UTC",
        columns={
            "order_no": ("order_no", "order_id", "order number", "order"),
            "line_id": ("line_id", "line_no"),
            "title": ("title", "product", "product_name", "item"),
            "spec": ("spec", "variant", "options"),
            "sku_code": ("sku", "sku_code", "seller_sku"),
            "platform_sku_id": ("platform_sku_id", "sku_id"),
            "quantity": ("quantity", "qty"),
            "unit_price": ("unit_price", "price"),
            "line_total": ("line_total",),
            "line_discount": ("line_discount", "item_discount"),
            "line_amount": ("line_amount",),
            "total": ("total", "paid_amount", "amount_paid", "order_total"),
            "shipping_fee": ("shipping_fee", "shipping"),
            "order_discount": ("order_discount", "discount"),
            "receiver_name": ("receiver_name", "recipient", "name"),
            "phone": ("phone", "receiver_phone"),
            "province": ("province", "state"),
            "city": ("city",),
            "district": ("district",),
            "town": ("town",),
            "street": ("street", "address_line", "address1"),
            "address": ("address", "full_address"),
            "postcode": ("postcode", "zip", "postal_code"),
            "buyer_nick": ("buyer_nick", "buyer"),
            "buyer_id": ("buyer_id",),
            "buyer_note": ("buyer_note", "customer_note"),
            "seller_note": ("seller_note", "note"),
            "status": ("status",),
            "placed_at": ("placed_at", "created_at", "order_time"),
            "paid_at": ("paid_at",),
            "updated_at": ("updated_at",),
            "currency": ("currency",),
            "country": ("country",),
        },
        status_map=_states(
            awaiting=("awaiting_payment", "pending", "unpaid"),
            paid=("paid",),
            refund=("refund_requested",),
            shipped=("shipped", "fulfilled"),
            completed=("completed", "delivered"),
            cancelled=("cancelled", "canceled", "closed"),
            refunded=("refunded",),
        ),
    )


def builtin_profiles() -> dict[str, Profile]:
    """The built-in profiles by name; "tmall" is the same export as "taobao"."""
    taobao_profile = taobao()
    return {
        "taobao": taobao_profile,
        "tmall": taobao_profile,
        "jd": jd(),
        "pdd": pdd(),
        "douyin": douyin(),
        "generic-csv": generic_csv(),
    }
