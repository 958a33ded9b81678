from __future__ import annotations

import pytest

from orderhub.normalize.intl import check_address, resolve_country


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("US", "US"),
        ("usa", "US"),
        ("United States of America", "US"),
        ("GBR", "GB"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("South Korea", "KR"),
        ("Deutschland", "DE"),
        ("中国", "CN"),
        ("美国", "US"),
        ("英国", "GB"),
        ("日本", "JP"),
        ("德国", "DE"),
        ("法国", "FR"),
        ("加拿大", "CA"),
        ("澳大利亚", "AU"),
        ("韩国", "KR"),
        ("新加坡", "SG"),
        ("香港", "HK"),
        ("台湾", "TW"),
    ],
)
def test_countries_from_codes_and_names(text: str, code: str) -> None:
    assert resolve_country(text) == code


@pytest.mark.parametrize(
    ("address", "region", "postcode"),
    [
        (("US", "CA", "90210", "Beverly Hills"), "US-CA", "90210"),
        (("USA", "California", "90210 1234", "Beverly Hills"), "US-CA", "90210-1234"),
        (("美国", "US-NY", "10001", "New York"), "US-NY", "10001"),
        (("Canada", "Ontario", "k1a0b1", "Ottawa"), "CA-ON", "K1A 0B1"),
        (("加拿大", "BC", "V6B 1A1", "Vancouver"), "CA-BC", "V6B 1A1"),
        (("GB", "", "sw1a1aa", "London"), "", "SW1A 1AA"),
        (("英国", "Greater London", "EC1A 1BB", "London"), "Greater London", "EC1A 1BB"),
        (("GB", "Scotland", "EH1 1YZ", "Edinburgh"), "GB-SCT", "EH1 1YZ"),
        (("DE", "Bavaria", "80331", "München"), "DE-BY", "80331"),
        (("德国", "Bayern", "80331", "München"), "DE-BY", "80331"),
        (("Deutschland", "Thuringen", "99084", "Erfurt"), "DE-TH", "99084"),
        (("FR", "", "75008", "Paris"), "", "75008"),
        (("France", "Île-de-France", "75001", "Paris"), "FR-IDF", "75001"),
        (("JP", "Tokyo", "1000001", "Chiyoda-ku"), "JP-13", "100-0001"),
        (("日本", "東京都", "〒100-0001", "千代田区"), "JP-13", "100-0001"),
        (("AU", "NSW", "2000", "Sydney"), "AU-NSW", "2000"),
        (("澳大利亚", "Victoria", "3000", "Melbourne"), "AU-VIC", "3000"),
        (("KR", "Seoul", "04524", "Seoul"), "KR-11", "04524"),
        (("韩国", "서울특별시", "04524", "서울"), "KR-11", "04524"),
        (("新加坡", "", "018956", ""), "", "018956"),
        (("香港", "", "999077", ""), "", ""),
        (("台湾", "台北市", "10048", "中正區"), "TW-TPE", "10048"),
        (("TW", "Taipei", "100", "Taipei"), "TW-TPE", "100"),
        (("中国", "广东省", "518000", "深圳市"), "CN-GD", "518000"),
        (("CN", "广西壮族自治区", "", "南宁市"), "CN-GX", ""),
        (("CHN", "Guangdong", "000000", "Shenzhen"), "CN-GD", ""),
    ],
)
def test_real_looking_addresses_pass(
    address: tuple[str, str, str, str], region: str, postcode: str
) -> None:
    check = check_address(*address)
    assert check.ok, check.problems
    assert (check.region, check.postcode) == (region, postcode)


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        (("美国", "US-CA", "9021", "Los Angeles"), "postcode '9021' is not a US ZIP code"),
        (("CA", "Ontario", "K1A 0B", "Ottawa"), "postcode 'K1A 0B' is not a Canadian postal code"),
        (("GB", "", "SW1A 1A", "London"), "postcode 'SW1A 1A' is not a UK postcode"),
        (("DE", "Bayern", "8033", "München"), "postcode '8033' is not a 5-digit German"),
        (("JP", "Osaka", "530-001", "Osaka"), "postcode '530-001' is not a Japanese postal code"),
        (("AU", "NSW", "200", "Sydney"), "postcode '200' is not a 4-digit Australian"),
        (("US", "Calif", "94105", "San Francisco"), "region 'Calif' is not a subdivision of US"),
        (("US", "", "10001", "New York"), "region is missing; US addresses need one"),
        (("CN", "火星", "518000", "深圳"), "region '火星' is not a subdivision of CN"),
        (("US", "NY", "", "New York"), "postcode is missing; US addresses need one"),
        (("US", "NY", "10001", ""), "city is missing"),
        (("Atlantis", "", "", ""), "country 'Atlantis' is not a known country or ISO code"),
        (("", "CA", "90210", "LA"), "country '' is not a known country"),
    ],
)
def test_problems_are_unresolved_addresses_with_a_reason(
    address: tuple[str, str, str, str], problem: str
) -> None:
    check = check_address(*address)
    assert not check.ok
    assert len(check.problems) == 1
    assert check.problems[0].startswith(f"ADDRESS_UNRESOLVED: {problem}")


def test_unknown_country_keeps_the_input() -> None:
    check = check_address("Narnia", "Cair Paravel", "N1", "Beaversdam")
    assert (check.country, check.region, check.postcode) == ("", "Cair Paravel", "N1")


def test_country_without_known_postcode_format_keeps_the_text() -> None:
    check = check_address("Brazil", "SP", "01310-100", "São Paulo")
    assert check.ok, check.problems
    assert (check.country, check.region, check.postcode) == ("BR", "BR-SP", "01310-100")


def test_several_problems_are_all_reported() -> None:
    check = check_address("US", "Atlantis", "ABCDE", "")
    assert len(check.problems) == 3
