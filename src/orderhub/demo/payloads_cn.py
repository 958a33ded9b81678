"""Demo raw payloads of the Chinese marketplaces: Taobao/Tmall, JD, Pinduoduo and Douyin."""

from __future__ import annotations

from orderhub.demo.payloads import (
    Builder,
    Json,
    cn_time,
    discounts,
    fen,
    goods_gross,
    gross,
    is_paid,
    item_id,
)
from orderhub.demo.people import Person
from orderhub.orders.domain import OrderDraft


def _taobao(draft: OrderDraft, person: Person) -> Json:
    r, tid = draft.receiver, int(draft.platform_order_id)
    return {
        "tid": tid,
        "status": "WAIT_SELLER_SEND_GOODS" if is_paid(draft) else "WAIT_BUYER_PAY",
        "type": "fixed",
        "created": cn_time(draft.placed_at),
        "pay_time": cn_time(draft.paid_at),
        "modified": cn_time(draft.platform_updated_at),
        "buyer_open_uid": draft.buyer_id,
        "buyer_nick": draft.buyer_nick,
        "buyer_message": draft.buyer_note,
        "seller_memo": draft.seller_note,
        "receiver_name": r.name,
        "receiver_mobile": r.phone,
        "receiver_state": r.province,
        "receiver_city": r.city,
        "receiver_district": r.district,
        "receiver_address": r.street,
        "receiver_zip": r.postcode,
        "total_fee": str(goods_gross(draft)),
        "discount_fee": str(discounts(draft)),
        "post_fee": str(draft.shipping_fee),
        "payment": str(draft.total),
        "orders": {
            "order": [
                {
                    "oid": tid + i,
                    "num_iid": int(item_id("tmall", line)),
                    "sku_id": line.platform_sku_id,
                    "outer_sku_id": line.sku_code,
                    "title": line.title,
                    "sku_properties_name": line.spec,
                    "num": line.quantity,
                    "price": str(line.unit_price),
                    "total_fee": str(gross(line)),
                    "discount_fee": str(line.discount),
                    "payment": str(line.amount),
                }
                for i, line in enumerate(draft.lines)
            ]
        },
    }


def _jd(draft: OrderDraft, person: Person) -> Json:
    r = draft.receiver
    return {
        "orderId": draft.platform_order_id,
        "venderId": "10231857",
        "orderType": "22",
        "orderState": "WAIT_SELLER_STOCK_OUT" if is_paid(draft) else "WAIT_PAY",
        "orderStartTime": cn_time(draft.placed_at),
        "paymentConfirmTime": cn_time(draft.paid_at),
        "modified": cn_time(draft.version_time),
        "orderTotalPrice": str(goods_gross(draft)),
        "sellerDiscount": str(discounts(draft)),
        "freightPrice": str(draft.shipping_fee),
        "orderPayment": str(draft.total),
        "orderRemark": draft.buyer_note,
        "venderRemark": draft.seller_note,
        "pin": draft.buyer_id,
        "consigneeInfo": {
            "fullname": r.name,
            "mobile": r.phone,
            "province": r.province,
            "city": r.city,
            "county": r.district,
            "fullAddress": f"{r.province}{r.city}{r.district}{r.street}",
        },
        "itemInfoList": [
            {
                "skuId": line.platform_sku_id,
                "wareId": item_id("jd", line),
                "outerSkuId": line.sku_code,
                "skuName": f"{line.title} {line.spec}".strip(),
                "itemTotal": str(line.quantity),
                "jdPrice": str(line.unit_price),
            }
            for line in draft.lines
        ],
    }


def _pdd(draft: OrderDraft, person: Person) -> Json:
    r = draft.receiver
    return {
        "order_sn": draft.platform_order_id,
        "order_status": 1 if is_paid(draft) else 0,
        "pay_type": "WEIXIN",
        "created_time": cn_time(draft.placed_at),
        "confirm_time": cn_time(draft.paid_at),
        "updated_at": cn_time(draft.version_time),
        "goods_amount": str(goods_gross(draft)),
        "discount_amount": str(discounts(draft)),
        "postage": str(draft.shipping_fee),
        "pay_amount": str(draft.total),
        "buyer_memo": draft.buyer_note,
        "remark": draft.seller_note,
        "receiver_name": r.name,
        "receiver_phone": r.phone,
        "province": r.province,
        "city": r.city,
        "town": r.district,
        "address": r.street,
        "item_list": [
            {
                "goods_id": int(item_id("pdd", line)),
                "sku_id": line.platform_sku_id,
                "outer_sku_id": line.sku_code,
                "goods_name": line.title,
                "goods_spec": ",".join(
                    part.split(":")[-1] for part in line.spec.split(";") if part
                ),
                "goods_count": line.quantity,
                "goods_price": str(line.unit_price),
            }
            for line in draft.lines
        ],
    }


def _douyin(draft: OrderDraft, person: Person) -> Json:
    r, paid = draft.receiver, is_paid(draft)
    oid = int(draft.platform_order_id)
    return {
        "shop_order_detail": {
            "order_id": draft.platform_order_id,
            "order_status": 2 if paid else 1,
            "order_status_desc": "备货中" if paid else "待支付",
            "create_time": int(draft.placed_at.timestamp()),
            "pay_time": int(draft.paid_at.timestamp()) if draft.paid_at else 0,
            "update_time": int(draft.version_time.timestamp()),
            "order_amount": fen(goods_gross(draft)),
            "promotion_amount": fen(discounts(draft)),
            "post_amount": fen(draft.shipping_fee),
            "pay_amount": fen(draft.total),
            "buyer_words": draft.buyer_note,
            "seller_words": draft.seller_note,
            "doudian_open_id": draft.buyer_id,
            "user_nickname": draft.buyer_nick,
            "post_receiver": r.name,
            "post_tel": r.phone,
            "post_addr": {
                "province": {"name": r.province},
                "city": {"name": r.city},
                "town": {"name": r.district},
                "detail": r.street,
            },
            "sku_order_list": [
                {
                    "order_id": str(oid + 1 + i),
                    "product_id": item_id("douyin", line),
                    "sku_id": line.platform_sku_id,
                    "out_sku_id": line.sku_code,
                    "product_name": line.title,
                    "item_num": line.quantity,
                    "spec": [
                        dict(zip(("name", "value"), part.split(":", 1), strict=False))
                        for part in line.spec.split(";")
                        if part
                    ],
                    "origin_amount": fen(gross(line)),
                    "pay_amount": fen(line.amount),
                    "author_name": draft.extra.get("author_name", ""),
                    "room_id": draft.extra.get("live_room_id", ""),
                }
                for i, line in enumerate(draft.lines)
            ],
        }
    }


CN_BUILDERS: dict[str, Builder] = {
    "tmall": _taobao,
    "taobao": _taobao,
    "jd": _jd,
    "pdd": _pdd,
    "douyin": _douyin,
}
