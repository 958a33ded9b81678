"""Errors as JSON `{"error": {"code", "message", "details"}}` with the HTTP status that fits."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from orderhub.db.orders_repo import BadCursor
from orderhub.errors import BusinessError, ErrorCode

_STATUS = {
    ErrorCode.ORDER_ILLEGAL_TRANSITION: 409,
    ErrorCode.ORDER_CONCURRENT_CHANGE: 409,
    ErrorCode.ORDER_DUPLICATE_CONFLICT: 409,
    ErrorCode.ORDER_NOT_FOUND: 404,
    ErrorCode.SHOP_NOT_FOUND: 404,
    ErrorCode.ORDER_STATUS_UNKNOWN: 422,
    ErrorCode.ORDER_INVALID: 422,
    ErrorCode.SHOP_EXISTS: 409,
    ErrorCode.SHOP_INVALID: 422,
    ErrorCode.PLATFORM_UNSUPPORTED: 422,
    ErrorCode.QUARANTINE_NOT_FOUND: 404,
    ErrorCode.QUARANTINE_NOT_OPEN: 409,
    ErrorCode.WEBHOOK_SIGNATURE_INVALID: 401,
    ErrorCode.SYNC_IN_PROGRESS: 409,
    ErrorCode.SYNC_FAILED: 502,
    ErrorCode.IMPORT_FAILED: 422,
    ErrorCode.SKU_NOT_FOUND: 404,
    ErrorCode.MAPPING_INVALID: 422,
    ErrorCode.CUSTOMER_NOT_FOUND: 404,
    ErrorCode.CUSTOMER_INVALID: 422,
    ErrorCode.GRADE_RULES_INVALID: 422,
    ErrorCode.ORDER_MERGE_REFUSED: 409,
    ErrorCode.ORDER_MERGE_UNDO_REFUSED: 409,
    ErrorCode.ORDER_SPLIT_REFUSED: 409,
    ErrorCode.ORDER_SPLIT_INVALID: 422,
    ErrorCode.MERGE_POLICY_INVALID: 422,
    ErrorCode.RULE_SET_INVALID: 422,
    ErrorCode.RULE_SET_NOT_FOUND: 404,
    ErrorCode.REVIEW_SETTINGS_INVALID: 422,
    ErrorCode.REVIEW_DECISION_REFUSED: 409,
    ErrorCode.STOCK_QUANTITY_INVALID: 422,
    ErrorCode.STOCK_INSUFFICIENT: 409,
    ErrorCode.STOCK_REASON_REQUIRED: 422,
    ErrorCode.STOCK_SETTING_INVALID: 422,
    ErrorCode.STOCK_PUBLISH_RULE_INVALID: 422,
    ErrorCode.STOCK_MOVEMENT_UNKNOWN: 422,
    ErrorCode.WAREHOUSE_NOT_FOUND: 404,
    ErrorCode.PURCHASE_ORDER_NOT_FOUND: 404,
    ErrorCode.ALLOCATION_CONFIG_INVALID: 422,
    ErrorCode.CARRIER_RATES_INVALID: 422,
}


def error_body(
    code: str, message: str, details: dict[str, object] | None = None
) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BusinessError)
    async def _order_error(_: Request, exc: BusinessError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code.value, exc.message, exc.details),
            status_code=_STATUS.get(exc.code, 400),
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [
            {
                "field": ".".join(str(p) for p in err["loc"][1:]) or str(err["loc"][0]),
                "in": str(err["loc"][0]),
                "message": err["msg"],
                "type": err["type"],
            }
            for err in exc.errors()
        ]
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return JSONResponse(
            error_body("VALIDATION_ERROR", message, {"fields": fields}), status_code=422
        )

    @app.exception_handler(BadCursor)
    async def _bad_cursor(_: Request, exc: BadCursor) -> JSONResponse:
        body = error_body(
            "VALIDATION_ERROR",
            str(exc),
            {"fields": [{"field": "cursor", "in": "query", "message": str(exc), "type": "cursor"}]},
        )
        return JSONResponse(body, status_code=422)
