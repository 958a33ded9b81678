"""Demo raw payloads of the seller's own channels: Shopify, WooCommerce, the store till, B2B."""

from __future__ import annotations

from datetime import timedelta, timezone

from orderhub.demo.payloads import Builder, Json, discounts, gross, is_paid, item_id
from orderhub.demo.people import Person
from orderhub.demo.platforms import CHINA
from orderhub.orders.domain import OrderDraft

SHOPIFY_TZ = timezone(timedelta(hours=-5))  # the shop's admin time zone (US Eastern, November)


def _shopify(draft: OrderDraft, person: Person) -> Json:
    r, name = draft.receiver, draft.extra.get("order_name", "")
    code = draft.extra.get("discount_code")
    return {
        "id": int(draft.platform_order_id),
        "name": name,
        "order_number": int(name.lstrip("#")),
        "email": draft.buyer_email,
        "currency": draft.currency,
        "created_at": draft.placed_at.astimezone(SHOPIFY_TZ).isoformat(),
        "processed_at": draft.placed_at.astimezone(SHOPIFY_TZ).isoformat(),
        "updated_at": draft.version_time.astimezone(SHOPIFY_TZ).isoformat(),
        "financial_status": "paid" if is_paid(draft) else "pending",
        "fulfillment_status": None,
        "subtotal_price": str(draft.goods_amount),
        "total_discounts": str(discounts(draft)),
        "total_price": str(draft.total),
        "note": draft.buyer_note or None,
        "discount_codes": [
            {"code": code, "amount": str(draft.order_discount), "type": "percentage"}
        ]
        if code
        else [],
        "shipping_lines": [
            {
                "title": draft.extra.get("shipping_method", "Standard International"),
                "price": str(draft.shipping_fee),
            }
        ],
        "customer": {
            "id": int(draft.buyer_id or 0),
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": draft.buyer_email,
        },
        "shipping_address": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "name": r.name,
            "address1": r.street,
            "city": r.city,
            "province_code": r.province,
            "zip": r.postcode,
            "country_code": r.country,
            "phone": r.phone,
        },
        "line_items": [
            {
                "id": int(draft.platform_order_id) * 10 + i,
                "variant_id": int(line.platform_sku_id or 0),
                "product_id": int(item_id("shopify", line)),
                "sku": line.sku_code,
                "title": line.title,
                "variant_title": line.spec or None,
                "quantity": line.quantity,
                "price": str(line.unit_price),
                "total_discount": str(line.discount),
            }
            for i, line in enumerate(draft.lines)
        ],
    }


def _woocommerce(draft: OrderDraft, person: Person) -> Json:
    r, code = draft.receiver, draft.extra.get("discount_code")
    gmt = "%Y-%m-%dT%H:%M:%S"
    return {
        "id": int(draft.platform_order_id),
        "number": draft.platform_order_id,
        "status": "processing" if is_paid(draft) else "pending",
        "currency": draft.currency,
        "date_created_gmt": draft.placed_at.strftime(gmt),
        "date_paid_gmt": draft.paid_at.strftime(gmt) if draft.paid_at else None,
        "date_modified_gmt": draft.version_time.strftime(gmt),
        "customer_id": int(draft.buyer_id or 0),
        "customer_note": draft.buyer_note,
        "payment_method": draft.extra.get("payment_method", "stripe"),
        "billing": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": draft.buyer_email,
            "phone": r.phone,
            "country": r.country,
        },
        "shipping": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "address_1": r.street,
            "city": r.city,
            "state": r.province,
            "postcode": r.postcode,
            "country": r.country,
        },
        "line_items": [
            {
                "id": int(draft.platform_order_id) * 4 + i,
                "name": f"{line.title} - {line.spec}" if line.spec else line.title,
                "product_id": int(item_id("woocommerce", line)),
                "variation_id": int(line.platform_sku_id or 0),
                "sku": line.sku_code,
                "quantity": line.quantity,
                "price": str(line.unit_price),
                "subtotal": str(gross(line)),
                "total": str(line.amount),
            }
            for i, line in enumerate(draft.lines)
        ],
        "coupon_lines": [{"code": code, "discount": str(draft.order_discount)}] if code else [],
        "shipping_total": str(draft.shipping_fee),
        "discount_total": str(discounts(draft)),
        "total": str(draft.total),
    }


def _pos(draft: OrderDraft, person: Person) -> Json:
    return {
        "receipt_no": draft.platform_order_id,
        "store_code": "SH-NJDL",
        "store_name": draft.extra.get("store", ""),
        "cashier": draft.extra.get("cashier", ""),
        "member_no": draft.buyer_id,
        "created_at": draft.placed_at.astimezone(CHINA).isoformat(),
        "items": [
            {
                "barcode": line.platform_sku_id,
                "sku": line.sku_code,
                "name": line.title,
                "spec": line.spec,
                "qty": line.quantity,
                "price": str(line.unit_price),
                "discount": str(line.discount),
            }
            for line in draft.lines
        ],
        "payment": {"method": draft.extra.get("payment_method", ""), "amount": str(draft.total)},
        "total": str(draft.total),
    }


def _manual(draft: OrderDraft, person: Person) -> Json:
    r = draft.receiver
    return {
        "po_number": draft.platform_order_id,
        "customer": {"code": draft.buyer_id, "company": person.company or draft.buyer_nick},
        "order_date": draft.placed_at.astimezone(CHINA).date().isoformat(),
        "payment_terms": draft.extra.get("payment_terms", ""),
        "status": "confirmed" if is_paid(draft) else "awaiting_payment",
        "ship_to": {
            "contact": r.name,
            "phone": r.phone,
            "province": r.province,
            "city": r.city,
            "district": r.district,
            "address": r.street,
        },
        "lines": [
            {
                "sku": line.sku_code,
                "description": line.title,
                "spec": line.spec,
                "qty": line.quantity,
                "unit_price": str(line.unit_price),
                "discount": str(line.discount),
            }
            for line in draft.lines
        ],
        "freight": str(draft.shipping_fee),
        "total": str(draft.total),
        "remark": draft.buyer_note,
    }


OWNED_BUILDERS: dict[str, Builder] = {
    "shopify": _shopify,
    "woocommerce": _woocommerce,
    "pos": _pos,
    "manual": _manual,
}
