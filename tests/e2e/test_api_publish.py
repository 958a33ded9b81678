"""Stock push over HTTP: listings, the publish rule and a push to the Shopify simulator, through
a real `orderhub serve` process."""

from __future__ import annotations

import httpx

from orderhub.bootstrap import Container
from orderhub.channels.simulators.shopify_inventory import (
    DEFAULT_LOCATION_ID,
    INVENTORY_ITEM_BASE,
    Variant,
    run_shopify_store,
)
from orderhub.db import listings_repo, shops_repo
from orderhub.orders.domain import utc_now
from tests.integration.inventory import world

TOKEN = "shpat_e2e"
SHOP = "shopify-cn"
TEE = Variant(1001, "TEE", INVENTORY_ITEM_BASE + 1001)


def test_map_set_the_rule_and_push(api: httpx.Client, container: Container) -> None:
    engine = container.engine
    world.setup(engine, {("WH-SH", "TEE"): 30, ("WH-GZ", "TEE"): 10})
    with run_shopify_store([], access_token=TOKEN, variants=[TEE]) as store:
        creds = {"base_url": store, "access_token": TOKEN, "location_id": str(DEFAULT_LOCATION_ID)}
        with engine.begin() as conn:
            now = utc_now()
            shops_repo.create_shop(
                conn, code=SHOP, name="S", platform="shopify", currency="CNY", credentials=creds,
                now=now,
            )  # fmt: skip
            # the server's own push job then waits for the debounce, leaving the push to us
            listings_repo.save_full_push_times(conn, [SHOP], now=now)

        mapped = api.put(f"/api/v1/shops/{SHOP}/listings/TEE", json={"listing_id": "1001"})
        assert mapped.status_code == 200, mapped.text
        assert (mapped.json()["computed"], mapped.json()["last_pushed"]) == (40, None)
        assert _error(api.put(f"/api/v1/shops/{SHOP}/listings/NOPE", json={"listing_id": "1"})) == (
            404,
            "SKU_NOT_FOUND",
        )
        assert _error(api.put("/api/v1/shops/nope/listings/TEE", json={"listing_id": "1"})) == (
            404,
            "SHOP_NOT_FOUND",
        )
        blank = api.put(f"/api/v1/shops/{SHOP}/listings/TEE", json={"listing_id": " "})
        assert _error(blank) == (422, "MAPPING_INVALID")

        rule_url = f"/api/v1/shops/{SHOP}/publish-rule"
        assert api.get(rule_url).json() == {
            "rule": {
                "percentage": "100",
                "fixed_reserve": 0,
                "minimum": None,
                "maximum": None,
                "warehouses": [],
            },
            "skus": {},
        }
        bad = api.put(rule_url, json={"rule": {"percentage": 120}})
        assert _error(bad) == (422, "STOCK_PUBLISH_RULE_INVALID")
        assert bad.json()["error"]["details"]["field"] == "rule.percentage"
        rule = {"percentage": 50, "fixed_reserve": 2, "maximum": 20, "warehouses": ["WH-SH"]}
        saved = api.put(rule_url, json={"rule": rule})
        assert saved.status_code == 200 and saved.json()["rule"]["warehouses"] == ["WH-SH"]
        (listing,) = api.get(f"/api/v1/shops/{SHOP}/listings").json()
        assert listing["computed"] == 13  # WH-SH only: 30 x 50 % - 2

        pushed = api.post("/api/v1/stock/push", json={"force": True})
        assert pushed.status_code == 200, pushed.text
        (shop,) = [s for s in pushed.json()["shops"] if s["shop"] == SHOP]
        assert (shop["pushed"], shop["failed"], shop["full"]) == (1, 0, True)
        assert store.inventory.available == {TEE.inventory_item_id: 13}
        again = api.post("/api/v1/stock/push", json={"shop": SHOP, "force": True}).json()
        assert (again["pushed"], again["unchanged"]) == (0, 1)
        assert _error(api.post("/api/v1/stock/push", json={"shop": "nope"})) == (
            404,
            "SHOP_NOT_FOUND",
        )
    (listing,) = api.get(f"/api/v1/shops/{SHOP}/listings").json()
    assert (listing["last_pushed"], listing["last_error"]) == (13, "")
    assert listing["last_pushed_at"] is not None and listing["changed_at"] is None


def _error(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]
