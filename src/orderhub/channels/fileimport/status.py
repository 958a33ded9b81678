"""What an imported order's status texts mean: channel state, payment status, platform text.

Rows of one order can carry different statuses (one 子订单 refunded, another shipped). Closed
rows are ignored while another row is still active; a refund request wins; otherwise the least
advanced state is kept, since the order still needs work. (The closed row's line stays in the
draft — the paid total includes it — and both texts are kept in `platform_status`.) An after-sale column that says a
refund is being asked for turns a paid, not yet shipped order into REFUND_REQUESTED (after
shipment the platform state stays, the after-sale case is a different flow). Payment status,
when the profile does not say it: unpaid while awaiting payment, refunded for a closed order
that had been paid, paid otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from orderhub.channels.fileimport.profiles import Profile, StatusMeaning
from orderhub.channels.fileimport.reader import Row
from orderhub.orders.domain import ChannelState
from orderhub.orders.lifecycle import PaymentStatus

C = ChannelState
_PROGRESS = {
    C.AWAITING_PAYMENT: 0,
    C.REFUND_REQUESTED: 1,
    C.PAID: 2,
    C.SHIPPED: 3,
    C.COMPLETED: 4,
    C.CANCELLED: 5,
}
REFUND_REQUEST_WORDS = (
    "退款中",
    "申请退款",
    "待商家处理",
    "待卖家处理",
    "售后处理中",
    "退货退款中",
    "待买家退货",
    "待商家收货",
    "refund_requested",
)


class UnknownStatus(ValueError):
    def __init__(self, text: str, row: int) -> None:
        super().__init__(
            f"row {row}: unknown order status {text!r}; add it to the profile's status_map"
        )
        self.text, self.row = text, row


def order_state(
    profile: Profile, rows: Sequence[Row], keys: Mapping[str, str], paid_at: datetime | None
) -> tuple[ChannelState, PaymentStatus, str]:
    """(channel state, payment status, the platform's own status text) for one order."""
    texts = _distinct(rows, keys.get("status"))
    if not texts:
        meaning: StatusMeaning = (C.PAID, None)
    else:
        meaning = _combine([_meaning(profile, text, row) for text, row in texts.items()])
    state, payment = meaning
    if state is C.PAID and _refund_requested(rows, keys.get("after_sale_status")):
        state = C.REFUND_REQUESTED
    return state, payment or _payment(state, paid_at), " / ".join(texts)


def _distinct(rows: Sequence[Row], key: str | None) -> dict[str, int]:
    if key is None:
        return {}
    found: dict[str, int] = {}
    for row in rows:
        text = row[key]
        if text and text not in found:
            found[text] = row.number
    return found


def _meaning(profile: Profile, text: str, row: int) -> StatusMeaning:
    meaning = profile.status_meaning(text)
    if meaning is None:
        raise UnknownStatus(text, row)
    return meaning


def _combine(meanings: list[StatusMeaning]) -> StatusMeaning:
    if len(meanings) == 1:
        return meanings[0]
    active = [m for m in meanings if m[0] is not C.CANCELLED] or meanings
    return min(active, key=lambda m: _PROGRESS[m[0]])


def _refund_requested(rows: Sequence[Row], key: str | None) -> bool:
    if key is None:
        return False
    return any(word in row[key] for row in rows if row[key] for word in REFUND_REQUEST_WORDS)


def _payment(state: ChannelState, paid_at: datetime | None) -> PaymentStatus:
    if state is C.AWAITING_PAYMENT:
        return PaymentStatus.UNPAID
    if state is C.CANCELLED:
        return PaymentStatus.REFUNDED if paid_at is not None else PaymentStatus.UNPAID
    return PaymentStatus.PAID
