from __future__ import annotations

import time

import pytest

from orderhub.normalize.phones import PhoneKind, normalize_cache_clear, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "138 0013 8000",
        "+86 138-0013-8000",
        "0086-13800138000",
        "86 13800138000",
        "１３８００１３８０００",
        "  +86 (138) 0013 8000 ",
        "8613800138000",
    ],
)
def test_mainland_mobiles_in_every_common_writing_are_one_number(raw: str) -> None:
    phone = normalize_phone(raw)
    assert phone.kind is PhoneKind.MOBILE
    assert phone.e164 == "+8613800138000"
    assert phone.national == "138 0013 8000"
    assert phone.country == "CN"
    assert phone.match_key == "+8613800138000"
    assert phone.raw == raw


@pytest.mark.parametrize(
    ("raw", "e164", "extension"),
    [
        ("010-62345678", "+861062345678", ""),
        ("(0755)8888-1234", "+8675588881234", ""),
        ("0755-8888-1234", "+8675588881234", ""),
        ("021 5555 6666 转 801", "+862155556666", "801"),
        ("010-62345678-801", "+861062345678", "801"),
        ("021-55556666 分机 23", "+862155556666", "23"),
    ],
)
def test_landlines_keep_their_extension(raw: str, e164: str, extension: str) -> None:
    phone = normalize_phone(raw)
    assert phone.kind is PhoneKind.LANDLINE
    assert (phone.e164, phone.extension) == (e164, extension)
    assert phone.match_key == (f"{e164};ext={extension}" if extension else e164)


@pytest.mark.parametrize(
    "raw", ["13800138000-1234", "13800138000转1234", "13800138000_1234", "17052561234 - 1234"]
)
def test_platform_privacy_numbers_keep_the_extension_in_the_match_key(raw: str) -> None:
    phone = normalize_phone(raw)
    assert phone.kind is PhoneKind.PRIVACY
    assert phone.extension == "1234"
    assert phone.match_key.endswith(";ext=1234")
    # The host number alone is shared by many buyers: it must never be the identity.
    assert phone.match_key != phone.e164


def test_two_buyers_on_one_virtual_host_never_share_a_key() -> None:
    first = normalize_phone("17052561234-1234")
    second = normalize_phone("17052561234-5678")
    assert first.e164 == second.e164
    assert first.match_key != second.match_key


def test_bracketed_extension_is_not_read_as_a_mobile() -> None:
    # No platform documents "13800138000[1234]"; it must not become the bare mobile.
    phone = normalize_phone("13800138000[1234]")
    assert phone.kind is PhoneKind.INVALID
    assert phone.match_key == ""


@pytest.mark.parametrize(
    ("raw", "prefix", "suffix"),
    [
        ("138****8000", "138", "8000"),
        ("1389289****", "1389289", ""),
        ("*******8000", "", "8000"),
        ("029-8597****", "0298597", ""),
        ("+86 138****8000", "138", "8000"),
        ("１３８＊＊＊＊８０００", "138", "8000"),
    ],
)
def test_masked_numbers_are_masked_not_invalid(raw: str, prefix: str, suffix: str) -> None:
    phone = normalize_phone(raw)
    assert phone.kind is PhoneKind.MASKED
    assert (phone.visible_prefix, phone.visible_suffix) == (prefix, suffix)
    assert phone.match_key == ""
    assert phone.e164 == ""
    assert not phone.is_identity


def test_masked_privacy_number_keeps_its_extension() -> None:
    phone = normalize_phone("138****8000-1234")
    assert phone.kind is PhoneKind.MASKED
    assert (phone.visible_suffix, phone.extension) == ("8000", "1234")


@pytest.mark.parametrize(
    ("raw", "country", "e164", "region"),
    [
        ("+44 20 7946 0958", "GB", "+442079460958", "GB"),
        ("020 7946 0958", "GB", "+442079460958", "GB"),
        ("+81 3-1234-5678", "JP", "+81312345678", "JP"),
        ("03-1234-5678", "JP", "+81312345678", "JP"),
        ("+1 206 555 0100", "US", "+12065550100", "US"),
        ("(206) 555-0100", "US", "+12065550100", "US"),
        ("+1 613 612 0707", "CN", "+16136120707", "CA"),
        ("+55 11 98765-4321", "BR", "+5511987654321", "BR"),
    ],
)
def test_international_numbers_use_the_receivers_country(
    raw: str, country: str, e164: str, region: str
) -> None:
    phone = normalize_phone(raw, default_country=country)
    assert phone.kind in (PhoneKind.MOBILE, PhoneKind.LANDLINE)
    assert (phone.e164, phone.country, phone.match_key) == (e164, region, e164)


def test_north_american_numbers_are_landline_of_unknown_line_type() -> None:
    phone = normalize_phone("206-555-0100", default_country="us")
    assert phone.kind is PhoneKind.LANDLINE
    assert phone.line_type == "FIXED_LINE_OR_MOBILE"


def test_fictional_555_01xx_number_is_invalid_with_a_reason() -> None:
    phone = normalize_phone("+1 (555) 010-9999", default_country="US")
    assert phone.kind is PhoneKind.INVALID
    assert phone.reason.startswith("NOT_ASSIGNED:")
    assert phone.e164 == ""


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("123", "TOO_SHORT"),
        ("abc", "NOT_A_NUMBER"),
        ("13800138000 1234", "TOO_LONG"),
        ("138*8000abc", "NOT_A_NUMBER"),
        ("95588", "LOCAL_ONLY"),
    ],
)
def test_invalid_numbers_say_why(raw: str, code: str) -> None:
    phone = normalize_phone(raw)
    assert phone.kind is PhoneKind.INVALID
    assert phone.reason.split(":", 1)[0] == code
    assert raw in phone.reason
    assert phone.match_key == ""


def test_national_number_without_a_default_country_is_invalid() -> None:
    phone = normalize_phone("13800138000", default_country="")
    assert phone.kind is PhoneKind.INVALID
    assert phone.reason.startswith("INVALID_COUNTRY_CODE:")


@pytest.mark.parametrize("raw", ["", "   ", "\u3000"])
def test_blank_is_empty(raw: str) -> None:
    assert normalize_phone(raw).kind is PhoneKind.EMPTY


def test_results_are_cached_and_fast() -> None:
    numbers = [f"1380013{n:04d}" for n in range(500)]
    normalize_cache_clear()
    start = time.perf_counter()
    first = [normalize_phone(n) for n in numbers]
    cold = time.perf_counter() - start
    start = time.perf_counter()
    again = [normalize_phone(n) for n in numbers]
    warm = time.perf_counter() - start
    assert all(a is b for a, b in zip(first, again, strict=True))
    assert warm < cold
    assert cold / len(numbers) < 0.002  # generous bound: about 0.05 ms each on a 2-core machine


def test_the_mainland_mobile_fast_path_agrees_with_libphonenumber() -> None:
    """Bare CN mobiles skip the full parse; every answer must equal the full parse's."""
    import random

    from orderhub.normalize import phones

    rng = random.Random(7)
    for _ in range(3000):
        digits = "1" + str(rng.randint(3, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(9))
        for raw in (digits, f"+86{digits}", f"+86 {digits}", f"86-{digits}"):
            fast = phones._normalize_cached.__wrapped__(raw, "CN")
            assert fast == phones._parsed(raw, phones._clean(raw), "CN"), raw
