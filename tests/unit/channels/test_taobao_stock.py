"""TaobaoAdapter.push_stock against a scripted TOP gateway: the signed quantity update, listing
ids, TOP errors as failed results or raised errors, stale answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from orderhub.channels.adapters.taobao import TaobaoAdapter
from orderhub.channels.adapters.taobao_sign import sign_string, sign_top
from orderhub.channels.adapters.taobao_stock import (
    QUANTITY_UPDATE,
    listing_id,
    quantity_update_params,
)
from orderhub.channels.base import ShopContext
from orderhub.channels.http import ChannelAuthError, ChannelHttp, TransientChannelError
from orderhub.channels.stock_push import PushErrorCode, PushResult, StockLevel

CREDS = {"app_key": "12345678", "app_secret": "s3cret", "session": "sess"}
SHOP = ShopContext("tb1", "taobao", "CNY", CREDS)
ADAPTER = TaobaoAdapter()
Answer = Callable[[dict[str, str]], dict[str, Any]]


def updated(form: dict[str, str]) -> dict[str, Any]:
    """TOP's answer to a successful update of the item (and SKU) in `form`."""
    item: dict[str, Any] = {"num_iid": int(form["num_iid"]), "modified": "2024-03-01 10:00:00"}
    if "sku_id" in form:
        item["num"] = 99
        item["skus"] = {"sku": [{"sku_id": int(form["sku_id"]), "quantity": int(form["quantity"])}]}
    else:
        item["num"] = int(form["quantity"])
    return {"item_quantity_update_response": {"item": item}}


def push(
    answer: Answer, *levels: StockLevel, shop: ShopContext = SHOP
) -> tuple[list[PushResult], list[dict[str, str]]]:
    forms: list[dict[str, str]] = []

    def reply(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/router/rest" and request.method == "POST"
        form = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
        forms.append(form)
        return httpx.Response(200, text=json.dumps(answer(form)))

    client = httpx.Client(transport=httpx.MockTransport(reply), base_url="http://top")
    results = ADAPTER.push_stock(ChannelHttp("http://top", client=client), shop, levels)
    return results, forms


def top_error(sub_code: str, sub_msg: str, code: int = 15) -> Answer:
    err = {"code": code, "msg": "Remote service error", "sub_code": sub_code, "sub_msg": sub_msg}
    return lambda form: {"error_response": err}


def test_listing_ids_and_business_parameters() -> None:
    assert listing_id(600001) == "600001" and listing_id("600001", 5001) == "600001:5001"
    assert listing_id(600001, "") == "600001"
    assert quantity_update_params("600001", None, 0) == {
        "num_iid": "600001",
        "quantity": "0",
        "type": "1",
    }
    assert quantity_update_params("600001", "5001", 7)["sku_id"] == "5001"


@pytest.mark.parametrize("method", ["md5", "hmac", "hmac-sha256"])
def test_a_push_is_a_signed_full_update_and_zero_is_signed_as_zero(method: str) -> None:
    shop = ShopContext("tb1", "taobao", "CNY", {**CREDS, "sign_method": method})
    results, (form,) = push(updated, StockLevel("TEE-L", "600001:5001", 0), shop=shop)
    assert results == [PushResult("TEE-L", True)]
    assert form["method"] == QUANTITY_UPDATE and form["sign_method"] == method
    assert (form["num_iid"], form["sku_id"], form["quantity"], form["type"]) == (
        "600001",
        "5001",
        "0",
        "1",
    )
    assert (form["app_key"], form["session"], form["format"], form["v"]) == (
        "12345678",
        "sess",
        "json",
        "2.0",
    )
    assert "quantity0" in sign_string(form)
    assert form["sign"] == sign_top(form, "s3cret", method)


def test_an_item_without_skus_is_pushed_by_num_iid_alone() -> None:
    results, (form,) = push(updated, StockLevel("SOAP", " 600002 ", 12))
    assert results[0].ok and "sku_id" not in form and form["quantity"] == "12"


@pytest.mark.parametrize("listing", [None, "", "SKU-1", "600001:", "600001:abc", "1:2:3"])
def test_malformed_listing_ids_fail_without_a_call(listing: str | None) -> None:
    results, forms = push(updated, StockLevel("X", listing, 1))
    assert results[0].error_code == PushErrorCode.UNMAPPED and forms == []


@pytest.mark.parametrize(
    ("sub_code", "expected"),
    [
        ("isv.item-not-exist:invalid-numIid-or-iid", PushErrorCode.ITEM_NOT_FOUND),
        ("isv.item-not-exist:invalid-numIid-or-iid-tmall", PushErrorCode.ITEM_NOT_FOUND),
        ("isv.item-is-delete:invalid-numIid-or-iid", PushErrorCode.ITEM_NOT_FOUND),
        ("isv.item-quantity-item-update-service-error", PushErrorCode.REFUSED),
    ],
)
def test_item_errors_are_failed_results_with_tops_message(
    sub_code: str, expected: PushErrorCode
) -> None:
    answer = top_error(sub_code, "商品id对应的商品不存在")
    results, forms = push(answer, StockLevel("A", "600001", 1), StockLevel("B", "600002", 2))
    assert len(forms) == 2
    assert [r.error_code for r in results] == [expected.value] * 2
    assert results[0].message == f"Taobao refused 600001: 商品id对应的商品不存在 ({sub_code})"


def test_one_refused_item_does_not_stop_the_others() -> None:
    def answer(form: dict[str, str]) -> dict[str, Any]:
        if form["num_iid"] == "1":
            return top_error("isv.item-not-exist:invalid-numIid-or-iid", "不存在")(form)
        return updated(form)

    results, _ = push(answer, StockLevel("A", "1", 1), StockLevel("B", "2", 2))
    assert [r.ok for r in results] == [False, True]


def test_auth_errors_and_rate_limits_raise() -> None:
    with pytest.raises(ChannelAuthError, match="27"):
        push(top_error("invalid-sessionkey", "", code=27), StockLevel("A", "1", 1))
    limited = top_error(
        "accesscontrol.limited-by-app-access-count", "This ban will last for 3 more seconds", 7
    )
    with pytest.raises(TransientChannelError) as caught:
        push(limited, StockLevel("A", "1", 1))
    assert caught.value.retry_after == 3.0


def test_missing_credentials_are_an_auth_error_before_any_call() -> None:
    shop = ShopContext("tb1", "taobao", "CNY", {"app_key": "k"})
    with pytest.raises(ChannelAuthError, match="app_secret"):
        push(updated, StockLevel("A", "1", 1), shop=shop)
    assert push(updated, shop=shop) == ([], [])


@pytest.mark.parametrize(
    "answer",
    [
        {"item_quantity_update_response": {"item": {"num_iid": 999, "num": 1}}},
        {"item_quantity_update_response": {"item": {"num_iid": 1, "num": 4}}},
        {"item_quantity_update_response": {}},
        {"something_else": {}},
    ],
)
def test_stale_or_foreign_answers_are_transient(answer: dict[str, Any]) -> None:
    with pytest.raises(TransientChannelError):
        push(lambda form: answer, StockLevel("A", "1", 1))


def test_a_sku_answer_is_checked_against_the_quantity_asked() -> None:
    def wrong(form: dict[str, str]) -> dict[str, Any]:
        doc = updated(form)
        doc["item_quantity_update_response"]["item"]["skus"]["sku"][0]["quantity"] = 8
        return doc

    with pytest.raises(TransientChannelError, match="asked 5 for 1:2, TOP answered 8"):
        push(wrong, StockLevel("A", "1:2", 5))
