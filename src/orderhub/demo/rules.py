"""The demo shop's review rules: the example sellers start from (see README, "Review rules")."""

from __future__ import annotations

from typing import Any

DEMO_RULES: dict[str, Any] = {
    "note": "demo: the starting rules most sellers adapt",
    "rules": [
        {
            "name": "跨境订单待清关",
            "when": "order.is_cross_border",
            "then": [{"hold": "customs/ID check"}],
        },
        {
            "name": "大客户小额直通",
            "when": 'order.amount < 5000 and customer.grade == "A"',
            "then": ["approve", {"tag": "VIP"}],
        },
        {
            "name": "中额销售经理审核",
            "when": "order.amount >= 5000 and order.amount < 20000",
            "then": [{"review": "sales_manager"}],
        },
        {
            "name": "大额财务审核",
            "when": 'order.amount >= 20000 or customer.credit == "C"',
            "then": [{"review": "finance"}],
        },
        {
            "name": "批发订单",
            "when": 'order.type == "wholesale"',
            "then": [{"tag": "wholesale"}, {"priority": 5}],
        },
        {
            "name": "本省订单",
            "when": "address.province == shop.home_province",
            "then": ["approve", {"tag": "local"}],
        },
    ],
}
