"""Business errors of the orders module; each carries a stable code and a message a seller can act on."""

from __future__ import annotations

from orderhub.errors import BusinessError as OrderError
from orderhub.errors import ErrorCode

__all__ = ["ErrorCode", "OrderError"]


class IllegalTransition(OrderError):
    code = ErrorCode.ORDER_ILLEGAL_TRANSITION

    def __init__(self, *, current: str, target: str, allowed: list[str]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none (final status)"
        super().__init__(
            f"an order in status '{current}' cannot move to '{target}'; allowed: {allowed_text}",
            current=current,
            target=target,
            allowed=allowed,
        )


class UnknownStatus(OrderError):
    code = ErrorCode.ORDER_STATUS_UNKNOWN

    def __init__(self, value: str, known: list[str]) -> None:
        super().__init__(f"unknown order status {value!r}", value=value, known=known)


class OrderNotFound(OrderError):
    code = ErrorCode.ORDER_NOT_FOUND

    def __init__(self, order_id: int) -> None:
        super().__init__(f"order {order_id} does not exist", order_id=order_id)


class ConcurrentChange(OrderError):
    code = ErrorCode.ORDER_CONCURRENT_CHANGE

    def __init__(self, order_id: int, expected: str) -> None:
        super().__init__(
            f"order {order_id} changed while you were working on it (it is no longer "
            f"'{expected}'); reload and try again",
            order_id=order_id,
            expected=expected,
        )


class InvalidOrder(OrderError):
    code = ErrorCode.ORDER_INVALID

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        text = "; ".join(f"{field}: {message}" for _, field, message in problems)
        super().__init__(
            f"order is not valid: {text}",
            problems=[{"code": c, "field": f, "message": m} for c, f, m in problems],
        )
        self.problems = problems


class DuplicateConflict(OrderError):
    code = ErrorCode.ORDER_DUPLICATE_CONFLICT

    def __init__(self, shop: str, platform_order_id: str, order_id: int) -> None:
        super().__init__(
            f"shop {shop} already has order {platform_order_id} (id {order_id}) with different content",
            shop=shop,
            platform_order_id=platform_order_id,
            order_id=order_id,
        )


class ShopNotFound(OrderError):
    code = ErrorCode.SHOP_NOT_FOUND

    def __init__(self, shop: str) -> None:
        super().__init__(f"shop {shop!r} does not exist", shop=shop)
