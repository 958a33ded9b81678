"""Business errors of the pipeline's seller-facing fixes (mappings, aliases)."""

from __future__ import annotations

from orderhub.errors import BusinessError, ErrorCode


class SkuNotFound(BusinessError):
    code = ErrorCode.SKU_NOT_FOUND

    def __init__(self, code: str, *, product: bool = False) -> None:
        what = "product" if product else "SKU"
        super().__init__(f"no {what} {code!r} in the catalog", sku=code)


class MappingInvalid(BusinessError):
    code = ErrorCode.MAPPING_INVALID

    def __init__(self, message: str) -> None:
        super().__init__(message)
