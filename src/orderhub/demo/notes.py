"""Demo order remarks and channel extras: buyer and seller notes, live rooms, tills, terms."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

from orderhub.demo.platforms import CHINA
from orderhub.demo.shops import ShopPlan

_CN_BUYER_NOTES = (
    "请尽快发货",
    "不要放快递柜",
    "送人的，不要放价格单",
    "麻烦发顺丰，可以补差价",
    "周末不在家，请工作日送达",
    "请放门卫室",
    "包装仔细一点，谢谢",
    "能否送个小礼品",
    "到了打电话",
    "生日礼物，请包装好看一点",
    "尺码不确定，先发L码",
    "白天上班，请放驿站",
    "急用！今天能发吗",
    "不要发邮政",
)
_LIVE_BUYER_NOTES = ("主播说的赠品别忘了", "直播间抢的福袋，一起发", "主播推荐的尺码", "请尽快发货")
_INTL_BUYER_NOTES: dict[str, tuple[str, ...]] = {
    "DE": (
        "Bitte beim Nachbarn abgeben, falls ich nicht zu Hause bin.",
        "Bitte schnell versenden.",
    ),
    "FR": ("Merci de laisser le colis au gardien.", "C'est un cadeau, merci !"),
    "JP": ("Please deliver in the afternoon.", "Gift wrapping please."),
}
_EN_BUYER_NOTES = (
    "Please ship ASAP, it's a gift.",
    "Leave at the front door, please.",
    "Please include a gift receipt.",
    "Buzzer is broken, please call on arrival.",
)
_B2B_NOTES = (
    "含税价，请开增值税专用发票",
    "分两批发货，先发一半",
    "请附装箱单",
    "送货前电话联系仓库",
    "按上次的包装要求打包",
)
_CN_SELLER_NOTES = (
    "VIP老客户，优先发货",
    "已备注赠品：袜子一双",
    "客户要求顺丰，已补运费",
    "地址已电话确认",
    "与上一单合并发货",
    "客服小王：已改尺码为XL",
)
_INTL_SELLER_NOTES = ("Address checked with customer", "Repeat customer - add thank-you card")
_ANCHORS = {"noon": "悦享主播阿杰", "evening": "悦享主播小美", "other": "悦享生活品牌号"}
_PAY_METHODS = ("微信支付", "支付宝", "银联卡", "现金", "数字人民币")
_TERMS = ("款到发货", "月结30天", "预付30%，发货前付清")


def buyer_note(rng: random.Random, plan: ShopPlan, country: str) -> str:
    roll = rng.random()
    if plan.kind == "cn":
        if roll >= 0.12:
            return ""
        notes = _LIVE_BUYER_NOTES if plan.curve == "live" and roll < 0.05 else _CN_BUYER_NOTES
        return rng.choice(notes)
    if plan.kind == "intl" and roll < 0.08:
        return rng.choice(_INTL_BUYER_NOTES.get(country, _EN_BUYER_NOTES))
    if plan.kind == "b2b" and roll < 0.4:
        return rng.choice(_B2B_NOTES)
    return ""


def seller_note(rng: random.Random, plan: ShopPlan) -> str:
    if plan.kind == "pos" or rng.random() >= 0.03:
        return ""
    return rng.choice(_INTL_SELLER_NOTES if plan.kind == "intl" else _CN_SELLER_NOTES)


def _live_room(local: datetime, session: str) -> str:
    """A 19-digit room id, one per day and session, as Douyin issues them."""
    seed = hashlib.blake2b(f"{local:%Y%m%d}:{session}".encode(), digest_size=8).digest()
    return str(7_300_000_000_000_000_000 + int.from_bytes(seed, "big") % 10**17)


def order_extra(rng: random.Random, plan: ShopPlan, placed: datetime) -> dict[str, str]:
    """Channel-specific facts kept beside the order."""
    platform = plan.shop.platform
    if platform == "douyin":
        local = placed.astimezone(CHINA)
        session = (
            "evening"
            if local.hour >= 19 or local.hour < 2
            else ("noon" if 11 <= local.hour < 15 else "other")
        )
        day = local - timedelta(days=1) if local.hour < 2 else local  # the show runs past midnight
        return {"live_room_id": _live_room(day, session), "author_name": _ANCHORS[session]}
    if platform == "pos":
        return {
            "store": plan.shop.name,
            "cashier": f"收银员{rng.randint(1, 6):02d}",
            "payment_method": rng.choice(_PAY_METHODS),
        }
    if platform == "woocommerce":
        return {"payment_method": rng.choice(("stripe", "paypal", "stripe"))}
    if platform == "manual":
        return {"payment_terms": rng.choice(_TERMS)}
    return {}
