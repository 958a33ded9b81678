"""TOP request signing: the official example, HMAC variants, and TOP time strings."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone

import pytest

from orderhub.channels.adapters.taobao_sign import (
    parse_top_time,
    sign_string,
    sign_top,
    top_timestamp,
)

# The worked example of the TOP "签名算法" page (docId=101617), see TOP_SIGNING_NOTE.md.
OFFICIAL = {
    "app_key": "12345678",
    "fields": "num_iid,title,nick,price,num",
    "format": "json",
    "method": "taobao.item.seller.get",
    "num_iid": "11223344",
    "session": "test",
    "sign_method": "md5",
    "timestamp": "2016-01-01 12:00:00",
    "v": "2.0",
}
SECRET = "helloworld"
JOINED = (
    "app_key12345678fieldsnum_iid,title,nick,price,numformatjsonmethodtaobao.item.seller.get"
    "num_iid11223344sessiontestsign_methodmd5timestamp2016-01-01 12:00:00v2.0"
)


def test_the_joined_string_matches_the_official_example() -> None:
    assert sign_string(OFFICIAL) == JOINED


def test_md5_gives_the_official_sign() -> None:
    assert sign_top(OFFICIAL, SECRET, "md5") == "66987CB115214E59E6EC978214934FB8"


def test_hmac_md5_gives_the_recomputed_sign() -> None:
    params = {**OFFICIAL, "sign_method": "hmac"}
    assert sign_top(params, SECRET, "hmac") == "D56D7858309C31B6251083A874D48273"


def test_hmac_sha256_matches_an_independent_hmac() -> None:
    params = {**OFFICIAL, "sign_method": "hmac-sha256"}
    joined = JOINED.replace("sign_methodmd5", "sign_methodhmac-sha256")
    expected = hmac.new(SECRET.encode(), joined.encode(), hashlib.sha256).hexdigest().upper()
    assert sign_top(params, SECRET, "hmac-sha256") == expected
    assert len(expected) == 64


def test_sign_empty_values_and_empty_keys_are_left_out() -> None:
    noisy = {**OFFICIAL, "sign": "WHATEVER", "partner_id": "", "": "x"}
    assert sign_top(noisy, SECRET, "md5") == "66987CB115214E59E6EC978214934FB8"


def test_utf8_values_are_signed_as_utf8_bytes() -> None:
    params = {"b": "淘宝", "a": "1"}
    expected = hashlib.md5("sa1b淘宝s".encode()).hexdigest().upper()
    assert sign_top(params, "s", "md5") == expected


def test_unknown_sign_method_is_refused() -> None:
    with pytest.raises(ValueError, match="sign_method"):
        sign_top(OFFICIAL, SECRET, "sha1")


def test_top_timestamp_is_beijing_time() -> None:
    assert top_timestamp(datetime(2016, 1, 1, 4, 0, tzinfo=UTC)) == "2016-01-01 12:00:00"
    new_york = timezone(timedelta(hours=-5))
    assert top_timestamp(datetime(2015, 12, 31, 23, 0, tzinfo=new_york)) == "2016-01-01 12:00:00"


def test_top_timestamp_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="aware"):
        top_timestamp(datetime(2016, 1, 1, 12, 0))


def test_parse_top_time_reads_beijing_time_as_utc() -> None:
    moment = parse_top_time("2013-11-10 10:00:00")
    assert moment == datetime(2013, 11, 10, 2, 0, tzinfo=UTC)
    assert moment.utcoffset() == timedelta(0)
    assert top_timestamp(moment) == "2013-11-10 10:00:00"
    with pytest.raises(ValueError):
        parse_top_time("2013/11/10 10:00:00")
