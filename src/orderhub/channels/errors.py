"""Business errors of the channels module (shops, quarantine, webhooks, sync, import)."""

from __future__ import annotations

from orderhub.errors import BusinessError, ErrorCode


class ShopExists(BusinessError):
    code = ErrorCode.SHOP_EXISTS

    def __init__(self, shop: str) -> None:
        super().__init__(f"a shop with code {shop!r} already exists", shop=shop)


class ShopInvalid(BusinessError):
    code = ErrorCode.SHOP_INVALID

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message, **details)


class PlatformUnsupported(BusinessError):
    code = ErrorCode.PLATFORM_UNSUPPORTED

    def __init__(self, platform: str, known: list[str]) -> None:
        super().__init__(
            f"no channel adapter for platform {platform!r}; known: {', '.join(known)}",
            platform=platform,
            known=known,
        )


class QuarantineNotFound(BusinessError):
    code = ErrorCode.QUARANTINE_NOT_FOUND

    def __init__(self, item_id: int) -> None:
        super().__init__(f"quarantine item {item_id} does not exist", item_id=item_id)


class QuarantineNotOpen(BusinessError):
    code = ErrorCode.QUARANTINE_NOT_OPEN

    def __init__(self, item_id: int, status: str) -> None:
        super().__init__(
            f"quarantine item {item_id} is already {status}", item_id=item_id, status=status
        )


class WebhookSignatureInvalid(BusinessError):
    code = ErrorCode.WEBHOOK_SIGNATURE_INVALID

    def __init__(self, shop: str) -> None:
        super().__init__(f"webhook for shop {shop!r} has no valid signature; refused", shop=shop)


class SyncInProgress(BusinessError):
    code = ErrorCode.SYNC_IN_PROGRESS

    def __init__(self, shop: str, holder: str) -> None:
        super().__init__(
            f"shop {shop!r} is already being pulled by {holder}", shop=shop, holder=holder
        )


class SyncFailed(BusinessError):
    code = ErrorCode.SYNC_FAILED

    def __init__(self, shop: str, reason: str) -> None:
        super().__init__(f"pulling shop {shop!r} failed: {reason}", shop=shop, reason=reason)


class ImportFailed(BusinessError):
    """The file as a whole cannot be imported (unreadable, unknown format, missing columns)."""

    code = ErrorCode.IMPORT_FAILED

    def __init__(self, message: str, *, code: str = "IMPORT_FAILED") -> None:
        super().__init__(message, reason=code)
