"""The seller's 20 Double 11 review rules, as the rule set document they would save.

Lower priority runs first, so holds come before reviews, reviews before approvals; tags, gifts,
priorities and preferences of every matching rule apply. Aimed outcome on the generated day:
most orders approved, a few per cent in review stages, a few per cent on hold (with the
built-in checks, e.g. buyer notes asking for 加急 / 发票 / 改地址).
"""

from __future__ import annotations

from typing import Any

REMOTE = '["新疆维吾尔自治区", "西藏自治区", "青海省"]'


def rule_document(hot_skus: tuple[str, ...], gift_sku: str) -> dict[str, Any]:
    """20 rules over the real facts (`orderhub.review.facts`): 4 hold, 6 review stage,
    2 approve and 8 that only tag, prioritise, prefer or give a gift."""
    hot = ", ".join(f'"{code}"' for code in hot_skus)
    rules: list[tuple[str, str, list[Any]]] = [
        ("黑名单拦截", "customer.blacklisted", [{"hold": "blacklisted buyer"}]),
        ("偏远地区多件核实运费", f"address.province in {REMOTE} and order.quantity >= 3",
         [{"hold": "remote: confirm freight"}]),
        ("拼多多低价新客风控",
         'shop.platform == "pdd" and order.amount < 35 and customer.order_count == 0',
         [{"hold": "risk: brushing check"}]),
        ("地址待核实", "not order.is_cross_border and address.confidence < 0.6",
         [{"hold": "address check"}]),
        ("大额财审", 'order.currency == "CNY" and order.amount >= 5000', [{"review": "finance"}]),
        ("高额新客客审",
         'order.currency == "CNY" and order.amount >= 2500 and customer.order_count == 0',
         [{"review": "客审"}]),
        ("批量采购", "order.quantity >= 8", [{"review": "sales_manager"}]),
        ("直播大单复核", 'shop.platform == "douyin" and order.amount >= 2000',
         [{"review": "live_ops"}, {"tag": "直播大单"}]),
        ("跨境大单报关", "order.is_cross_border and order.amount >= 400",
         [{"review": "customs"}]),
        ("价格异常复核", '"PRICE_ANOMALY" in order.exceptions', [{"review": "pricing"}]),
        ("跨境订单", "order.is_cross_border",
         [{"tag": "跨境"}, {"prefer_warehouse": "WH-SH"}]),
        ("双11满500赠帆布袋", 'order.currency == "CNY" and order.amount >= 500',
         [{"gift": gift_sku, "quantity": 1, "once_per": "customer"}]),
        ("千元以上顺丰", "not order.is_cross_border and order.amount >= 1000",
         [{"prefer_carrier": "SF"}]),
        ("茶叶礼盒华东发", 'any_category(["食品", "礼盒"])',
         [{"tag": "食品"}, {"prefer_warehouse": "WH-SH"}]),
        ("本省订单", "address.province == shop.home_province", [{"tag": "本省"}]),
        ("新客首单", "customer.order_count == 0", [{"tag": "新客"}]),
        ("多件优先拣货", "order.line_count >= 3", [{"priority": 5}]),
        ("爆款优先", f"any_sku([{hot}])", [{"tag": "爆款"}, {"priority": 3}]),
        ("老客直通", 'customer.grade == "A"', ["approve", {"tag": "VIP"}]),
        ("其余放行", "order.amount >= 0", ["approve"]),
    ]  # fmt: skip
    return {
        "note": "双11 2026: risk holds, review stages, gifts and routing preferences",
        "rules": [
            {"name": name, "priority": 10 * (i + 1), "when": when, "then": then}
            for i, (name, when, then) in enumerate(rules)
        ],
    }
