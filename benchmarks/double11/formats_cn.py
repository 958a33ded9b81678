"""Taobao/Tmall, JD, Pinduoduo and 抖店 orders as each platform writes them (the fields its
adapter reads, plus the usual company): seller codes (商家编码) carry our SKU codes.

Each writer returns (document, order object, line objects): the stream serialises the document
and may damage the order or a line first to make a malformed delivery.
"""

from __future__ import annotations

import hashlib
from typing import Any

from benchmarks.double11.basket import PlannedOrder, share_out, yuan
from benchmarks.double11.clock import beijing_text
from benchmarks.double11.world import Offer

Json = dict[str, Any]
Rendered = tuple[Json, Json, list[Json]]
_SPECS: dict[str, list[Json]] = {}


def _token(text: str, size: int = 16) -> str:
    return hashlib.blake2b(text.encode(), digest_size=size).hexdigest()


def _spec_pairs(spec: str) -> list[Json]:
    """'颜色分类:黑色;尺码:XL' as 抖店 spec_desc [{name, value}, ...] (cached per text)."""
    pairs = _SPECS.get(spec)
    if pairs is None:
        pairs = [
            {"name": name, "value": value}
            for name, _, value in (part.partition(":") for part in spec.split(";") if part)
        ]
        _SPECS[spec] = pairs
    return pairs


def _nick(o: PlannedOrder) -> str:
    return f"{o.buyer.name[0]}**"


def taobao(o: PlannedOrder) -> Rendered:
    """Tmall: the `taobao.trade.fullinfo.get` answer; Taobao: the trade object as TMC pushes it."""
    a, tid = o.buyer, int(o.order_id)
    fees = [ln.gross - ln.discount for ln in o.lines]
    parts = share_out(o.order_discount, fees)
    single = len(o.lines) == 1
    subs = [
        {
            "adjust_fee": "0.00", "buyer_rate": False, "cid": 50_000_000 + i,
            "discount_fee": yuan(ln.discount), "divide_order_fee": yuan(fee - part),
            "is_daixiao": False, "is_oversold": False, "num": ln.quantity,
            "num_iid": int(ln.offer.item_id), "oid": tid if single else tid + 1 + i,
            "order_from": "WAP", "outer_iid": ln.offer.code.split("-", 1)[0],
            "outer_sku_id": ln.offer.code, "part_mjz_discount": yuan(part),
            "payment": yuan(fee - part + (o.shipping if single else 0)),
            "price": yuan(ln.offer.price), "refund_status": "NO_REFUND", "seller_rate": False,
            "seller_type": "B", "shipping_type": "express", "sku_id": ln.offer.sku_id,
            "sku_properties_name": ln.offer.spec, "status": "WAIT_SELLER_SEND_GOODS",
            "title": ln.offer.title, "total_fee": yuan(fee),
        }
        for i, (ln, fee, part) in enumerate(zip(o.lines, fees, parts, strict=True))
    ]  # fmt: skip
    paid = beijing_text(o.paid)
    trade: Json = {
        "adjust_fee": "0.00", "alipay_no": f"202611112200{o.seq:016d}",
        "buyer_nick": _nick(o), "buyer_open_uid": o.buyer_id, "buyer_rate": False,
        "cod_fee": "0.00", "cod_status": "NEW_CREATED", "created": beijing_text(o.placed),
        "discount_fee": yuan(o.order_discount), "has_post_fee": o.shipping > 0,
        "is_part_consign": False, "modified": paid, "num": sum(ln.quantity for ln in o.lines),
        "num_iid": int(o.lines[0].offer.item_id), "oaid": _token(o.buyer_id, 20),
        "orders": {"order": subs}, "pay_time": paid, "payment": yuan(o.total),
        "post_fee": yuan(o.shipping), "price": yuan(o.lines[0].offer.price),
        "received_payment": "0.00", "receiver_address": a.street, "receiver_city": a.city,
        "receiver_district": a.district, "receiver_mobile": a.phone, "receiver_name": a.name,
        "receiver_state": a.province, "receiver_zip": a.postcode, "seller_flag": 0,
        "seller_nick": o.shop.name, "shipping_type": "express",
        "status": "WAIT_SELLER_SEND_GOODS", "tid": tid, "tid_str": o.order_id,
        "title": o.shop.name, "total_fee": yuan(o.goods), "trade_from": "WAP,WAP",
        "type": "fixed",
    }  # fmt: skip
    if o.note:
        trade["buyer_message"] = o.note
    if o.promo:
        trade["promotion_details"] = {"promotion_detail": [
            {"discount_fee": yuan(o.order_discount), "id": tid, "promotion_name": o.promo}
        ]}  # fmt: skip
    if o.shop.platform == "tmall":
        return {"trade_fullinfo_get_response": {"trade": trade}}, trade, subs
    return trade, trade, subs


def _jd_coupons(o: PlannedOrder) -> list[Json]:
    coupons = [
        {"orderId": o.order_id, "skuId": ln.offer.sku_id, "couponType": "30-单品促销优惠",
         "couponPrice": yuan(ln.discount)}
        for ln in o.lines
        if ln.discount
    ]  # fmt: skip
    if o.order_discount:
        coupons.append({"orderId": o.order_id, "skuId": "", "couponType": "20-满减",
                        "couponPrice": yuan(o.order_discount)})  # fmt: skip
    return coupons


def jd(o: PlannedOrder) -> Rendered:
    """The `jingdong.pop.order.get` answer around one orderInfo."""
    a, discounts = o.buyer, o.line_discounts + o.order_discount
    items = [
        {"skuId": ln.offer.sku_id, "outerSkuId": ln.offer.code,
         "skuName": f"{ln.offer.title} {ln.offer.spec}".strip(), "jdPrice": yuan(ln.offer.price),
         "itemTotal": str(ln.quantity), "wareId": ln.offer.item_id,
         "productNo": ln.offer.code.split("-", 1)[0], "giftPoint": "0", "newStoreId": "0"}
        for ln in o.lines
    ]  # fmt: skip
    paid = beijing_text(o.paid)
    info: Json = {
        "orderId": o.order_id, "venderId": "10231857", "orderType": "22", "payType": "4",
        "orderTotalPrice": yuan(o.goods), "orderSellerPrice": yuan(o.goods - discounts),
        "orderPayment": yuan(o.total), "freightPrice": yuan(o.shipping),
        "sellerDiscount": yuan(discounts), "balanceUsed": "0.00",
        "orderState": "WAIT_SELLER_STOCK_OUT", "orderStateRemark": "等待出库",
        "deliveryType": "任意时间", "invoiceInfo": "不需要开具发票", "orderRemark": o.note,
        "orderStartTime": beijing_text(o.placed), "orderEndTime": "", "modified": paid,
        "paymentConfirmTime": paid, "pin": f"{o.buyer_id[:6]}***", "open_id_buyer": o.buyer_id,
        "venderRemark": "",
        "consigneeInfo": {
            "fullname": a.name, "telephone": "", "mobile": a.phone,
            "fullAddress": f"{a.province}{a.city}{a.district}{a.street}",
            "province": a.province, "city": a.city, "county": a.district, "town": "",
        },
        "itemInfoList": items, "couponDetailList": _jd_coupons(o),
    }  # fmt: skip
    result = {"success": True, "englishErrCode": "", "chineseErrCode": "", "numberCode": 0}
    doc = {"jingdong_pop_order_get_responce": {
        "code": "0", "orderDetailInfo": {"apiResult": result, "orderInfo": info}}}  # fmt: skip
    return doc, info, items


def pdd(o: PlannedOrder) -> Rendered:
    """The `pdd.order.information.get` answer; PDD writes money as JSON numbers (yuan)."""
    a, discounts = o.buyer, o.line_discounts + o.order_discount
    items = [
        {"goods_id": int(ln.offer.item_id), "goods_name": ln.offer.title,
         "goods_spec": ",".join(p["value"] for p in _spec_pairs(ln.offer.spec)),
         "goods_count": ln.quantity, "goods_price": ln.offer.price / 100,
         "outer_id": ln.offer.code, "outer_goods_id": ln.offer.code.split("-", 1)[0],
         "sku_id": int(ln.offer.sku_id),
         "goods_img": f"https://img.pddpic.com/mms-material-img/{ln.offer.item_id}.jpeg"}
        for ln in o.lines
    ]  # fmt: skip
    paid = beijing_text(o.paid)
    info: Json = {
        "order_sn": o.order_id, "order_status": 1, "refund_status": 1, "confirm_status": 1,
        "group_status": 1, "trade_type": 0, "is_lucky_flag": 1, "pay_type": "WEIXIN",
        "pay_no": f"4200002611{o.seq:018d}", "created_time": beijing_text(o.placed),
        "confirm_time": paid, "pay_time": paid, "updated_at": paid, "shipping_time": "",
        "goods_amount": o.goods / 100, "discount_amount": discounts / 100,
        "seller_discount": discounts / 100, "platform_discount": 0.0,
        "capital_free_discount": 0.0, "postage": o.shipping / 100, "pay_amount": o.total / 100,
        "receiver_name": a.name, "receiver_phone": a.phone, "receiver_address": a.street,
        "address": f"{a.province}{a.city}{a.district}{a.street}", "province": a.province,
        "city": a.city, "town": a.district, "country": "中国", "buyer_memo": o.note,
        "remark": "", "item_list": items,
    }  # fmt: skip
    doc = {"order_info_get_response": {"order_info": info, "request_id": _token(o.order_id)}}
    return doc, info, items


def _douyin_child(o: PlannedOrder, i: int, offer: Offer, qty: int, paid: int) -> Json:
    return {
        "order_id": f"{o.order_id[:-2]}{10 + i}", "pid": o.order_id, "order_status": 2,
        "pay_type": 1, "product_id": offer.item_id, "product_name": offer.title,
        "combo_id": int(offer.sku_id), "code": offer.code, "out_sku_id": 0,
        "combo_amount": offer.price, "combo_num": qty, "total_amount": paid,
        "spec_desc": _spec_pairs(offer.spec), "create_time": str(o.placed),
        "update_time": o.paid, "author_id": 6_752_386,
    }  # fmt: skip


def douyin(o: PlannedOrder) -> Rendered:
    """The legacy `order.detail` answer; amounts in fen, the coupon inside each child's total."""
    a = o.buyer
    after = [ln.gross - ln.discount for ln in o.lines]
    coupons = share_out(o.order_discount, after)
    children = [
        {**_douyin_child(o, i, ln.offer, ln.quantity, fee - coupon), "coupon_amount": coupon}
        for i, (ln, fee, coupon) in enumerate(zip(o.lines, after, coupons, strict=True))
    ]
    order: Json = {
        "order_id": o.order_id, "shop_id": 13455, "open_id": o.buyer_id, "order_status": 2,
        "order_type": 0, "pay_type": 1, "b_type": 2, "c_biz": 1,
        "create_time": str(o.placed), "pay_time": str(o.paid), "update_time": o.paid,
        "exp_ship_time": o.placed + 48 * 3600, "order_total_amount": o.total,
        "post_amount": o.shipping, "coupon_amount": o.order_discount,
        "shop_coupon_amount": o.order_discount, "post_receiver": o.buyer.name,
        "post_tel": a.phone, "post_code": a.postcode,
        "post_addr": {"province": {"id": "", "name": a.province},
                      "city": {"id": "", "name": a.city},
                      "town": {"id": "", "name": a.district}, "detail": a.street},
        "buyer_words": o.note, "seller_words": "", "user_name": _nick(o),
        "child_num": len(children), "child": children, "is_comment": "0", "urge_cnt": 0,
        "logistics_time": "0", "receipt_time": "0", "cancel_reason": "",
    }  # fmt: skip
    doc = {"data": {"count": 1, "list": [order], "total": 1}, "err_no": 0, "message": "success"}
    return doc, order, children
