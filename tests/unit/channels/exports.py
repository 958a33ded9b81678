"""Builders of realistic platform order export files (CSV in UTF-8 / UTF-8-BOM / GB18030, XLSX).

One neutral set of sample orders (`SAMPLES`) is rendered with each back office's real column
headers, status texts, number formats and quirks (淘宝 `="…"` guards and 收货地址 with a postcode,
京东 addresses without spaces, 拼多多 split address columns and three discount columns, 抖店 tab-
prefixed ids and per-子订单 money shares). Tests then compare the drafts with the samples.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

D = Decimal
ZERO = D(0)
Cell = str | int | float


@dataclass(frozen=True)
class Item:
    title: str
    spec: str
    sku: str
    sku_id: str
    quantity: int
    price: Decimal

    @property
    def gross(self) -> Decimal:
        return self.price * self.quantity


@dataclass(frozen=True)
class Place:
    """A receiver address: its parts, and how 淘宝 / 京东 write it as one text."""

    province: str
    city: str
    district: str
    street: str
    postcode: str = ""
    taobao_text: str = ""
    jd_text: str = ""


@dataclass(frozen=True)
class Sample:
    number: int
    items: tuple[Item, ...]
    receiver: str
    phone: str
    place: Place
    placed: str  # Asia/Shanghai local time, as the back offices print it
    paid: str
    status: str  # awaiting / paid / shipped / completed / cancelled
    shipping: Decimal = ZERO
    discount: Decimal = ZERO  # what the buyer saved on the whole order
    discount_parts: tuple[Decimal, Decimal, Decimal] | None = None  # 拼多多 shop/platform/pay
    buyer: str = "tb_buyer"
    buyer_note: str = ""
    seller_note: str = ""

    @property
    def goods(self) -> Decimal:
        return sum((item.gross for item in self.items), D(0))

    @property
    def paid_amount(self) -> Decimal:
        return D(0) if self.status == "awaiting" else self.goods - self.discount + self.shipping

    @property
    def total(self) -> Decimal:
        return self.goods - self.discount + self.shipping

    def order_no(self, platform: str) -> str:
        return ORDER_NUMBERS[platform](self.number)


def utc(local: str) -> datetime:
    """The UTC time of a Beijing-time text."""
    naive = datetime.strptime(local, "%Y-%m-%d %H:%M:%S")
    return (naive - timedelta(hours=8)).replace(tzinfo=UTC)


ORDER_NUMBERS: dict[str, Callable[[int], str]] = {
    "taobao": lambda n: f"39155620102312345{n:02d}",
    "jd": lambda n: f"2817293840{n:02d}",
    "pdd": lambda n: f"240301-5712345678901{n:02d}",
    "douyin": lambda n: f"69234567890123456{n:02d}",
    "generic-csv": lambda n: f"SO-2024-{n:04d}",
}

SHENZHEN = Place(
    "广东省",
    "深圳市",
    "南山区",
    "粤海街道科技园南区深南大道10000号",
    "518057",
    taobao_text="广东省 深圳市 南山区 粤海街道科技园南区深南大道10000号(518057)",
    jd_text="广东深圳市南山区粤海街道科技园南区深南大道10000号",
)
BEIJING = Place(
    "北京市",
    "北京市",
    "朝阳区",
    "建国路88号SOHO现代城2号楼1801",
    taobao_text="北京市 北京市 朝阳区 建国路88号SOHO现代城2号楼1801",
    jd_text="北京朝阳区建国路88号SOHO现代城2号楼1801",
)
WANGJING = Place(
    "北京市",
    "北京市",
    "朝阳区",
    "望京街道阜通东大街6号",
    taobao_text="北京 朝阳区 望京街道阜通东大街6号",
    jd_text="北京市朝阳区望京街道阜通东大街6号",
)
NANCHANG = Place(
    "江西省",
    "南昌市",
    "青山湖区",
    "昌东工业区恒源科技园1栋",
    taobao_text="江西省 南昌市 青山湖区 昌东工业区恒源科技园1栋",
    jd_text="江西省南昌市青山湖区昌东工业区恒源科技园1栋",
)

TEE = Item("纯棉短袖T恤 男款", "颜色分类:黑色;尺码:XL", "TS-BLK-XL", "5012345", 2, D("79.00"))
KEYBOARD = Item("机械键盘 青轴 104键", "颜色:白色", "KB-104-W", "5012399", 1, D("1299.00"))
CUP = Item("不锈钢保温杯 500ml", "颜色:银色", "CUP-500-S", "6023456", 3, D("45.50"))
PAPER = Item("A4打印纸 70g 500张", "规格:5包", "PAPER-A4", "7001001", 5, D("25.90"))
PEN = Item("中性笔 0.5mm 黑色 12支", "颜色:黑色", "PEN-05-B", "7001002", 2, D("15.80"))
FOLDER = Item("文件夹 A4 蓝色", "", "FOLDER-A4", "7001003", 10, D("3.50"))
EARBUDS = Item("蓝牙耳机 降噪", "颜色:白色", "BT-EAR-W", "7034567", 1, D("199.00"))

SAMPLES: tuple[Sample, ...] = (
    Sample(
        1, (TEE, KEYBOARD), "张伟", "13812345678", SHENZHEN, "2024-03-01 10:15:30",
        "2024-03-01 10:16:02", "paid", shipping=D("10.00"), discount=D("20.00"),
        buyer="tb_zhangwei88", buyer_note="周末送货", seller_note="加急",
    ),
    Sample(
        2, (CUP,), "李娜", "13900001111", BEIJING, "2024-03-01 23:59:59",
        "2024-03-02 00:00:10", "shipped", buyer="lina_2024",
    ),
    Sample(
        3, (PAPER, PEN, FOLDER), "王芳", "13700002222", WANGJING, "2024-03-02 09:00:00",
        "2024-03-02 09:01:00", "completed", shipping=D("8.00"), buyer="wangfang",
        seller_note="发顺丰",
    ),
    Sample(
        4, (EARBUDS,), "赵强", "13600003333", NANCHANG, "2024-03-02 12:30:00", "",
        "awaiting", buyer="zhaoqiang",
    ),
)  # fmt: skip

PDD_SAMPLES: tuple[Sample, ...] = (
    replace(SAMPLES[1], number=1),
    Sample(
        2, (replace(KEYBOARD, quantity=3, price=D("33.30")),), "陈静", "13500004444", SHENZHEN,
        "2024-03-03 08:00:00", "2024-03-03 08:00:30", "paid", shipping=D("6.00"),
        discount=D("9.20"), discount_parts=(D("5.00"), D("3.00"), D("1.20")), buyer="pdd_cj",
    ),
    replace(SAMPLES[3], number=3),
)  # fmt: skip

STATUS_TEXT: dict[str, dict[str, str]] = {
    "taobao": {
        "awaiting": "等待买家付款",
        "paid": "买家已付款，等待卖家发货",
        "shipped": "卖家已发货，等待买家确认",
        "completed": "交易成功",
        "cancelled": "交易关闭",
    },
    "jd": {
        "awaiting": "等待付款",
        "paid": "等待出库",
        "shipped": "等待确认收货",
        "completed": "完成",
        "cancelled": "已取消",
    },
    "pdd": {
        "awaiting": "待支付",
        "paid": "待发货",
        "shipped": "已发货，待签收",
        "completed": "已签收",
        "cancelled": "已取消",
    },
    "douyin": {
        "awaiting": "待支付",
        "paid": "备货中",
        "shipped": "已发货",
        "completed": "已完成",
        "cancelled": "已关闭",
    },
    "generic-csv": {
        "awaiting": "pending",
        "paid": "paid",
        "shipped": "shipped",
        "completed": "completed",
        "cancelled": "cancelled",
    },
}


@dataclass
class Style:
    """How an export writes its cells."""

    guard_ids: bool = True  # ="3915…" around long numbers (CSV)
    yuan: bool = False  # "￥1,299.00" instead of "1299.00"


def money(amount: Decimal, style: Style) -> str:
    text = f"{amount:,.2f}" if style.yuan else f"{amount:.2f}"
    return f"￥{text}" if style.yuan else text


def _guard(text: str, style: Style) -> str:
    return f'="{text}"' if style.guard_ids else text


# -- one renderer per back office ---------------------------------------------------------------

TAOBAO_HEADER = [
    "订单编号", "子订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费",
    "总金额", "买家实际支付金额", "订单状态", "买家留言", "收货人姓名", "收货地址", "运送方式",
    "联系电话", "联系手机", "订单创建时间", "订单付款时间", "宝贝标题", "宝贝种类", "宝贝总数量",
    "标题", "价格", "购买数量", "外部系统编号", "商品属性", "商家编码", "订单备注", "店铺名称",
]  # fmt: skip


def taobao_rows(sample: Sample, style: Style) -> list[list[Cell]]:
    order_no = sample.order_no("taobao")
    titles = "，".join(item.title for item in sample.items)
    count = sum(item.quantity for item in sample.items)
    rows: list[list[Cell]] = []
    for index, item in enumerate(sample.items, start=1):
        rows.append([
            _guard(order_no, style), _guard(f"{order_no[:-2]}{index:02d}", style), sample.buyer,
            "buyer@example.com", money(sample.goods, style), money(sample.shipping, style),
            money(sample.total, style), money(sample.paid_amount, style),
            STATUS_TEXT["taobao"][sample.status], sample.buyer_note, sample.receiver,
            sample.place.taobao_text, "快递", "", sample.phone, sample.placed, sample.paid, titles,
            len(sample.items), count, item.title, money(item.price, style), item.quantity,
            f"OUT-{item.sku}", item.spec, item.sku, sample.seller_note, "汇单旗舰店",
        ])  # fmt: skip
    return rows


JD_HEADER = [
    "订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额",
    "结算金额", "余额支付", "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "客户地址",
    "联系电话", "订单备注", "发票类型", "发票抬头", "发票内容", "商家备注",
    "商家备注等级（等级1-5为由高到低）", "运费金额", "付款确认时间", "增值税发票", "货号",
    "订单完成时间", "订单来源", "订单渠道",
]  # fmt: skip


def jd_rows(sample: Sample, style: Style) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for item in sample.items:
        rows.append([
            sample.order_no("jd"), item.sku_id, item.title, item.quantity, "在线支付",
            sample.placed, money(item.price, style), money(sample.goods, style),
            money(sample.total, style), "0.00", money(sample.paid_amount, style),
            STATUS_TEXT["jd"][sample.status], "销售订单", sample.buyer, sample.receiver,
            sample.place.jd_text, sample.phone, sample.buyer_note, "电子发票", "个人", "明细",
            sample.seller_note, "", money(sample.shipping, style), sample.paid, "", item.sku, "",
            "移动端订单", "暂无来源",
        ])  # fmt: skip
    return rows


PDD_HEADER = [
    "商品", "订单号", "订单状态", "商品总价(元)", "邮费(元)", "店铺优惠折扣(元)", "平台优惠折扣(元)",
    "多多支付立减金额(元)", "用户实付金额(元)", "商家实收金额(元)", "商品数量(件)", "发货时间",
    "确认收货时间", "商品id", "商品规格", "样式ID", "商家编码-规格维度", "商家编码-商品维度",
    "商家备注", "售后状态", "快递单号", "快递公司", "收货人", "手机", "省", "市", "区", "街道",
    "详细地址", "订单成交时间", "支付时间",
]  # fmt: skip


def pdd_rows(sample: Sample, style: Style) -> list[list[Cell]]:
    (item,) = sample.items  # a 拼多多 order holds one item
    parts = sample.discount_parts or (sample.discount, D(0), D(0))
    street = sample.place.street
    town, detail = (street[:4], street[4:]) if "街道" in street[:4] else ("", street)
    return [[
        item.title, sample.order_no("pdd"), STATUS_TEXT["pdd"][sample.status],
        money(item.gross, style), money(sample.shipping, style), *(money(p, style) for p in parts),
        money(sample.paid_amount, style), money(sample.paid_amount + parts[1], style),
        item.quantity, "", "", "60" + item.sku_id, item.spec, item.sku_id, item.sku,
        item.sku.split("-")[0], sample.seller_note, "无售后或售后取消", "", "", sample.receiver,
        sample.phone, sample.place.province, sample.place.city, sample.place.district, town,
        detail, sample.placed, sample.paid,
    ]]  # fmt: skip


DOUYIN_HEADER = [
    "主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码", "商品单价",
    "订单应付金额", "运费", "优惠总金额", "平台实际承担优惠金额", "收件人", "收件人手机号", "省",
    "市", "区", "街道", "详细地址", "是否修改过地址", "买家留言", "订单提交时间", "支付完成时间",
    "订单完成时间", "订单状态", "售后状态", "取消原因", "商家备注", "流量来源",
]  # fmt: skip


def douyin_shares(sample: Sample) -> list[tuple[Decimal, Decimal]]:
    """(discount, shipping) share of each 子订单: discount by value, shipping on the first."""
    shares, left = [], sample.discount
    for index, item in enumerate(sample.items):
        last = index == len(sample.items) - 1
        part = left if last else (sample.discount * item.gross / sample.goods).quantize(D("0.01"))
        left -= part
        shares.append((part, sample.shipping if index == 0 else D(0)))
    return shares


def douyin_rows(sample: Sample, style: Style) -> list[list[Cell]]:
    order_no = sample.order_no("douyin")
    rows: list[list[Cell]] = []
    for index, (item, (discount, shipping)) in enumerate(
        zip(sample.items, douyin_shares(sample), strict=True)
    ):
        payable = D(0) if sample.status == "awaiting" else item.gross - discount + shipping
        rows.append([
            f"\t{order_no}", f"\t{order_no[:-2]}{index + 11}", item.title, item.spec,
            item.quantity, f"\t{item.sku_id}", item.sku, money(item.price, style),
            money(payable, style), money(shipping, style), money(discount, style), "0.00",
            sample.receiver, sample.phone, sample.place.province, sample.place.city,
            sample.place.district, "", sample.place.street, "否", sample.buyer_note,
            sample.placed, sample.paid, "", STATUS_TEXT["douyin"][sample.status], "", "",
            sample.seller_note, "直播",
        ])  # fmt: skip
    return rows


GENERIC_HEADER = [
    "order_no", "line_id", "sku", "title", "spec", "quantity", "unit_price", "total",
    "shipping_fee", "order_discount", "receiver_name", "phone", "province", "city", "district",
    "street", "postcode", "buyer_nick", "buyer_note", "seller_note", "status", "placed_at",
    "paid_at", "currency", "country",
]  # fmt: skip


def _iso(local: str) -> str:
    return f"{local.replace(' ', 'T')}+08:00" if local else ""


def generic_rows(sample: Sample, style: Style) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for index, item in enumerate(sample.items, start=1):
        rows.append([
            sample.order_no("generic-csv"), str(index), item.sku, item.title, item.spec,
            item.quantity, money(item.price, style), money(sample.paid_amount, style),
            money(sample.shipping, style), money(sample.discount, style), sample.receiver,
            sample.phone, sample.place.province, sample.place.city, sample.place.district,
            sample.place.street, sample.place.postcode, sample.buyer, sample.buyer_note,
            sample.seller_note, STATUS_TEXT["generic-csv"][sample.status], _iso(sample.placed),
            _iso(sample.paid), "CNY", "CN",
        ])  # fmt: skip
    return rows


@dataclass(frozen=True)
class Platform:
    header: list[str]
    rows: Callable[[Sample, Style], list[list[Cell]]]
    samples: tuple[Sample, ...] = field(default=SAMPLES)


PLATFORMS: dict[str, Platform] = {
    "taobao": Platform(TAOBAO_HEADER, taobao_rows),
    "jd": Platform(JD_HEADER, jd_rows),
    "pdd": Platform(PDD_HEADER, pdd_rows, PDD_SAMPLES),
    "douyin": Platform(DOUYIN_HEADER, douyin_rows),
    "generic-csv": Platform(GENERIC_HEADER, generic_rows),
}


def export_table(
    platform: str,
    samples: Sequence[Sample] | None = None,
    *,
    style: Style | None = None,
    scattered: bool = True,
) -> tuple[list[str], list[list[Cell]]]:
    """Header and rows of `platform`'s export; scattered = the last order's rows interleaved."""
    spec = PLATFORMS[platform]
    chosen = spec.samples if samples is None else samples
    per_order = [spec.rows(sample, style or Style()) for sample in chosen]
    return spec.header, interleave(per_order) if scattered else [
        r for rows in per_order for r in rows
    ]


def interleave(per_order: list[list[list[Cell]]]) -> list[list[Cell]]:
    """Spread the rows of the largest order between the others (as sorted-by-time exports do)."""
    biggest = max(range(len(per_order)), key=lambda i: len(per_order[i]))
    spread = list(per_order[biggest])
    result: list[list[Cell]] = []
    for index, rows in enumerate(per_order):
        if index == biggest:
            continue
        if spread:
            result.append(spread.pop(0))
        result.extend(rows)
    return result + spread


# -- writers ------------------------------------------------------------------------------------

TITLE_LINE = "订单列表 导出时间：2024-03-04 09:00:00"


def csv_bytes(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    encoding: str = "utf-8",
    title: str | None = TITLE_LINE,
    delimiter: str = ",",
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if title:
        writer.writerow([title])
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[Cell]], **options: Any
) -> Path:
    path.write_bytes(csv_bytes(header, rows, **options))
    return path


def write_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    title: str | None = TITLE_LINE,
    sheet: str = "订单列表",
) -> Path:
    """An XLSX export; text cells stay text (even `="…"`), ints/floats become number cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    if title:
        worksheet.append([title])
    worksheet.append(list(header))
    first = 3 if title else 2
    for number, values in enumerate(rows, start=first):
        worksheet.append(list(values))
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and value.startswith("="):
                cell = worksheet.cell(row=number, column=column)
                cell.data_type = "s"  # a literal `="…"` text guard, not a formula
    workbook.save(path)
    return path


def write_export(
    directory: Path,
    platform: str,
    fmt: str,
    *,
    style: Style | None = None,
    scattered: bool = True,
    title: str | None = TITLE_LINE,
) -> Path:
    """`platform`'s sample export as `fmt` (csv-utf8, csv-bom, csv-gb18030, xlsx) in `directory`."""
    header, rows = export_table(platform, style=style, scattered=scattered)
    if fmt == "xlsx":
        return write_xlsx(directory / f"{platform}.xlsx", header, rows, title=title)
    encoding = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gb18030": "gb18030"}[fmt]
    return write_csv(
        directory / f"{platform}-{fmt}.csv", header, rows, encoding=encoding, title=title
    )
