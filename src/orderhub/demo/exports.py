"""The demo's orders written as a 淘宝/天猫 back-office order export (CSV, one row per item).

Used to try `orderhub import --format csv --profile taobao` on realistic volumes, and by the
ingest benchmark. Quirks of the real export are kept: `="…"` guards around long numbers, the
receiver's address as one text with the postcode in brackets, Beijing local times.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import timedelta, timezone
from pathlib import Path

from orderhub.orders.domain import ChannelState, OrderDraft

BEIJING = timezone(timedelta(hours=8))
HEADER = [
    "订单编号", "子订单编号", "买家会员名", "买家应付货款", "买家应付邮费", "总金额",
    "买家实际支付金额", "订单状态", "买家留言", "收货人姓名", "收货地址", "联系手机",
    "订单创建时间", "订单付款时间", "标题", "价格", "购买数量", "商品属性", "商家编码", "订单备注",
]  # fmt: skip
STATUS_TEXT = {
    ChannelState.AWAITING_PAYMENT: "等待买家付款",
    ChannelState.PAID: "买家已付款，等待卖家发货",
    ChannelState.REFUND_REQUESTED: "买家已付款，等待卖家发货",
    ChannelState.SHIPPED: "卖家已发货，等待买家确认",
    ChannelState.COMPLETED: "交易成功",
    ChannelState.CANCELLED: "交易关闭",
}


def export_rows(drafts: Iterable[OrderDraft]) -> Iterator[list[str]]:
    """One row per order line, order-level columns repeated on each row as the export does."""
    for d in drafts:
        r = d.receiver
        gross = sum((ln.unit_price * ln.quantity for ln in d.lines), start=d.shipping_fee * 0)
        paid = d.total if d.channel_state is not ChannelState.AWAITING_PAYMENT else gross * 0
        address = f"{r.province} {r.city} {r.district} {r.street}" + (
            f"({r.postcode})" if r.postcode else ""
        )
        order = [
            f'="{d.platform_order_id}"',
            d.buyer_nick or "",
            f"{gross:.2f}",
            f"{d.shipping_fee:.2f}",
            f"{d.total:.2f}",
            f"{paid:.2f}",
            STATUS_TEXT[d.channel_state],
            d.buyer_note,
            r.name,
            address,
            r.phone,
            _local(d.placed_at),
            _local(d.paid_at),
        ]
        for no, line in enumerate(d.lines, start=1):
            yield [
                order[0],
                f'="{d.platform_order_id}{no:02d}"',
                *order[1:],
                line.title,
                f"{line.unit_price:.2f}",
                str(line.quantity),
                line.spec,
                line.sku_code or "",
                d.seller_note,
            ]


def write_taobao_csv(path: Path, drafts: Iterable[OrderDraft]) -> int:
    """Write the export (UTF-8 with BOM, as Excel-friendly exports are); return the row count."""
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for row in export_rows(drafts):
            writer.writerow(row)
            rows += 1
    return rows


def _local(moment: object) -> str:
    return "" if moment is None else f"{moment.astimezone(BEIJING):%Y-%m-%d %H:%M:%S}"  # type: ignore[attr-defined]
