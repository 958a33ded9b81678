"""Shopify and WooCommerce orders of the cross-border shops, as their webhooks deliver them.

Shopify (USD): VAT/GST included in the prices for GB and AU buyers (`taxes_included`), no tax
collected elsewhere; discount codes are allocated to the lines. WooCommerce (EUR): amounts net
of VAT with the VAT beside them, as WooCommerce stores them.
"""

from __future__ import annotations

import hashlib

from benchmarks.double11.basket import PlannedOrder, share_out, yuan
from benchmarks.double11.clock import beijing_iso, gmt_text, local_text
from benchmarks.double11.formats_cn import Json, Rendered

_COUNTRIES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom", "AU": "Australia",
              "JP": "Japan", "DE": "Germany", "FR": "France"}  # fmt: skip
_INCLUDED_TAX = {"GB": ("VAT", 20), "AU": ("GST", 10)}  # Shopify: percent inside the prices
_VAT = {"DE": ("MwSt.", 19), "FR": ("TVA", 20), "GB": ("VAT", 20)}  # WooCommerce, on top
_STORE_OFFSET = 1  # the WooCommerce store's clock: Europe/Berlin in November


def _token(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _money(cents: int, currency: str) -> Json:
    money = {"amount": yuan(cents), "currency_code": currency}
    return {"shop_money": money, "presentment_money": dict(money)}


def _shopify_address(o: PlannedOrder) -> Json:
    p = a = o.buyer
    return {
        "first_name": p.first_name, "last_name": p.last_name, "name": a.name,
        "address1": a.street, "address2": None, "city": a.city, "province": a.province,
        "province_code": a.province, "country": _COUNTRIES.get(a.country, a.country),
        "country_code": a.country, "zip": a.postcode, "phone": a.phone, "company": None,
    }  # fmt: skip


def shopify(o: PlannedOrder) -> Rendered:
    """The bare Order object of an orders/create webhook (REST Admin 2024-04)."""
    cur, country = o.shop.currency, o.buyer.country
    shares = share_out(o.order_discount, [ln.gross for ln in o.lines])
    base = 15_900_000_000_000 + o.seq * 8
    lines = [
        {
            "id": base + i, "admin_graphql_api_id": f"gid://shopify/LineItem/{base + i}",
            "product_id": int(ln.offer.item_id), "variant_id": int(ln.offer.sku_id),
            "title": ln.offer.title, "variant_title": ln.offer.spec or None,
            "name": f"{ln.offer.title} - {ln.offer.spec}" if ln.offer.spec else ln.offer.title,
            "sku": ln.offer.code, "vendor": "YUEXIANG", "quantity": ln.quantity,
            "current_quantity": ln.quantity, "fulfillable_quantity": ln.quantity,
            "fulfillment_status": None, "requires_shipping": True, "taxable": True,
            "gift_card": False, "price": yuan(ln.offer.price),
            "price_set": _money(ln.offer.price, cur), "total_discount": "0.00",
            "discount_allocations": [
                {"amount": yuan(share), "amount_set": _money(share, cur),
                 "discount_application_index": 0}
            ] if share else [],
            "properties": [],
        }
        for i, (ln, share) in enumerate(zip(o.lines, shares, strict=True))
    ]  # fmt: skip
    title, rate = _INCLUDED_TAX.get(country, ("", 0))
    tax = o.total * rate // (100 + rate)  # the tax inside the prices, shown only
    created, paid = beijing_iso(o.placed), beijing_iso(o.paid)
    order: Json = {
        "id": int(o.order_id), "admin_graphql_api_id": f"gid://shopify/Order/{o.order_id}",
        "name": f"#{21_000 + o.seq}", "number": 20_000 + o.seq, "order_number": 21_000 + o.seq,
        "app_id": 580111, "confirmed": True, "test": False, "token": _token(o.order_id),
        "email": o.buyer.email, "contact_email": o.buyer.email, "phone": None,
        "created_at": created, "updated_at": paid, "processed_at": paid,
        "cancelled_at": None, "cancel_reason": None, "closed_at": None,
        "currency": cur, "presentment_currency": cur, "customer_locale": "en",
        "financial_status": "paid", "fulfillment_status": None, "gateway": "shopify_payments",
        "payment_gateway_names": ["shopify_payments"], "source_name": "web",
        "taxes_included": bool(rate), "estimated_taxes": False,
        "total_line_items_price": yuan(o.goods), "total_discounts": yuan(o.order_discount),
        "subtotal_price": yuan(o.goods - o.order_discount), "total_tax": yuan(tax),
        "total_price": yuan(o.total), "total_outstanding": "0.00",
        "total_price_set": _money(o.total, cur),
        "total_shipping_price_set": _money(o.shipping, cur),
        "tax_lines": [{"title": title, "rate": rate / 100, "price": yuan(tax)}] if tax else [],
        "discount_codes": [
            {"code": o.promo, "amount": yuan(o.order_discount), "type": "percentage"}
        ] if o.order_discount else [],
        "note": o.note or None, "tags": "双11",
        "customer": {"id": int(o.buyer_id), "email": o.buyer.email,
                     "first_name": o.buyer.first_name, "last_name": o.buyer.last_name,
                     "verified_email": True, "currency": cur},
        "billing_address": _shopify_address(o), "shipping_address": _shopify_address(o),
        "line_items": lines,
        "shipping_lines": [{
            "id": base, "title": "Standard International", "code": "INTL-STD",
            "source": "shopify", "price": yuan(o.shipping), "price_set": _money(o.shipping, cur),
            "discounted_price": yuan(o.shipping), "discount_allocations": [], "tax_lines": [],
        }],
        "refunds": [], "fulfillments": [],
    }  # fmt: skip
    return order, order, lines


def _woo_address(o: PlannedOrder, *, billing: bool) -> Json:
    p = a = o.buyer
    out = {
        "first_name": p.first_name, "last_name": p.last_name, "company": "",
        "address_1": a.street, "address_2": "", "city": a.city, "state": a.province,
        "postcode": a.postcode, "country": a.country, "phone": a.phone,
    }  # fmt: skip
    if billing:
        out["email"] = o.buyer.email or ""
    return out


def _vat(cents: int, rate: int) -> int:
    return (cents * rate + 50) // 100


def woocommerce(o: PlannedOrder) -> Rendered:
    """The bare order of an order.created webhook (REST API v3)."""
    label, rate = _VAT.get(o.buyer.country, ("VAT", 0))
    coupons = share_out(o.order_discount, [ln.gross for ln in o.lines])
    totals = [ln.gross - c for ln, c in zip(o.lines, coupons, strict=True)]
    lines = [
        {
            "id": o.seq * 10 + i, "name": ln.offer.title, "product_id": int(ln.offer.item_id),
            "variation_id": int(ln.offer.sku_id), "quantity": ln.quantity, "tax_class": "",
            "subtotal": yuan(ln.gross), "subtotal_tax": yuan(_vat(ln.gross, rate)),
            "total": yuan(total), "total_tax": yuan(_vat(total, rate)),
            "taxes": [{"id": 1, "total": yuan(_vat(total, rate)),
                       "subtotal": yuan(_vat(ln.gross, rate))}],
            "meta_data": [{"id": o.seq * 10 + i, "key": "pa_variant", "value": ln.offer.spec,
                           "display_key": "Variant", "display_value": ln.offer.spec}]
            if ln.offer.spec else [],
            "sku": ln.offer.code, "price": ln.offer.price / 100, "parent_name": None,
        }
        for i, (ln, total) in enumerate(zip(o.lines, totals, strict=True))
    ]  # fmt: skip
    cart_tax = sum(_vat(t, rate) for t in totals)
    shipping_tax = _vat(o.shipping, rate)
    discount_tax = sum(_vat(ln.gross, rate) for ln in o.lines) - cart_tax
    paid_local, paid_gmt = local_text(o.paid, _STORE_OFFSET), gmt_text(o.paid)
    order: Json = {
        "id": int(o.order_id), "parent_id": 0, "number": o.order_id,
        "order_key": f"wc_order_{_token(o.order_id)[:13]}", "created_via": "checkout",
        "version": "9.4.2", "status": "processing", "currency": o.shop.currency,
        "currency_symbol": "€", "prices_include_tax": False,
        "date_created": local_text(o.placed, _STORE_OFFSET), "date_created_gmt": gmt_text(o.placed),
        "date_modified": paid_local, "date_modified_gmt": paid_gmt,
        "discount_total": yuan(o.order_discount), "discount_tax": yuan(discount_tax),
        "shipping_total": yuan(o.shipping), "shipping_tax": yuan(shipping_tax),
        "cart_tax": yuan(cart_tax), "total": yuan(o.total + cart_tax + shipping_tax),
        "total_tax": yuan(cart_tax + shipping_tax), "customer_id": int(o.buyer_id),
        "billing": _woo_address(o, billing=True), "shipping": _woo_address(o, billing=False),
        "payment_method": "stripe", "payment_method_title": "Kreditkarte (Stripe)",
        "transaction_id": f"pi_{_token(o.order_id)[:24]}", "customer_ip_address": "",
        "customer_user_agent": "", "customer_note": o.note, "date_paid": paid_local,
        "date_paid_gmt": paid_gmt, "date_completed": None, "date_completed_gmt": None,
        "cart_hash": _token(o.buyer_id), "meta_data": [], "line_items": lines,
        "tax_lines": [{"id": 1, "rate_code": f"{o.buyer.country}-{label}-1",
                       "rate_id": 1, "label": label, "compound": False,
                       "tax_total": yuan(cart_tax), "shipping_tax_total": yuan(shipping_tax),
                       "rate_percent": rate, "meta_data": []}] if rate else [],
        "shipping_lines": [{"id": o.seq * 10 + 9, "method_title": "DHL International",
                            "method_id": "flat_rate", "instance_id": "1",
                            "total": yuan(o.shipping), "total_tax": yuan(shipping_tax),
                            "taxes": [], "meta_data": []}],
        "fee_lines": [],
        "coupon_lines": [{"id": o.seq * 10 + 8, "code": o.promo.lower(),
                          "discount": yuan(o.order_discount), "discount_tax": yuan(discount_tax),
                          "meta_data": []}] if o.order_discount else [],
        "refunds": [],
    }  # fmt: skip
    return order, order, lines
