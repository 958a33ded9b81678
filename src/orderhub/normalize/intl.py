"""International receivers: country, region and postcode checked against ISO 3166 (pycountry).

Every problem is reported as "ADDRESS_UNRESOLVED: <what a seller can fix>". Regions are
resolved from an ISO code ("CA", "US-CA") or a name in English, the local language, Chinese,
Japanese or Korean as pycountry's translations know them ("California", "Bayern"/"Bavaria",
"广东省"/"广东"). An unresolved region is a problem only where the region is part of the postal
address (REGION_CHECKED); elsewhere (e.g. UK counties, which ISO 3166-2 does not list) it is kept
as written.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry

PROBLEM = "ADDRESS_UNRESOLVED"
REGION_REQUIRED = frozenset({"US", "CA", "AU", "CN"})
REGION_CHECKED = REGION_REQUIRED | {"JP", "KR", "DE"}
NO_CITY_NEEDED = frozenset({"SG", "HK", "MO", "MC", "VA"})
NO_POSTCODE = frozenset({"HK", "MO"})
POSTCODE_OPTIONAL = NO_POSTCODE | {"CN"}
_TRANSLATIONS = ("en", "zh_CN", "zh_TW", "ja", "ko", "de", "fr")

COUNTRY_ALIASES: dict[str, str] = {
    **dict.fromkeys(("中国", "中国大陆", "中華人民共和國", "china mainland", "prc"), "CN"),
    **dict.fromkeys(("美国", "美國", "usa", "us of a", "america"), "US"),
    **dict.fromkeys(("英国", "英國", "uk", "great britain", "britain", "england"), "GB"),
    **dict.fromkeys(("日本",), "JP"),
    **dict.fromkeys(("德国", "德國"), "DE"),
    **dict.fromkeys(("法国", "法國"), "FR"),
    **dict.fromkeys(("加拿大",), "CA"),
    **dict.fromkeys(("澳大利亚", "澳洲", "澳大利亞"), "AU"),
    **dict.fromkeys(("韩国", "韓國", "南韩", "south korea", "korea"), "KR"),
    **dict.fromkeys(("新加坡",), "SG"),
    **dict.fromkeys(("香港", "中国香港", "中國香港", "hong kong sar"), "HK"),
    **dict.fromkeys(("台湾", "台灣", "臺灣", "中国台湾", "taiwan"), "TW"),
    **dict.fromkeys(("澳门", "澳門", "中国澳门", "macau"), "MO"),
}

_POSTCODE_FORMATS: dict[str, tuple[str, str]] = {
    # country: (pattern over the upper-cased text without blanks, what the seller is told)
    "CN": (r"\d{6}", "a 6-digit postal code"),
    "US": (r"\d{5}(-?\d{4})?", "a US ZIP code (12345 or 12345-6789)"),
    "CA": (
        r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d",
        "a Canadian postal code (A1A 1A1)",
    ),
    "GB": (
        r"GIR0AA|[A-PR-UWYZ](\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY])\d[ABD-HJLNP-UW-Z]{2}",
        "a UK postcode (SW1A 1AA)",
    ),
    "DE": (r"\d{5}", "a 5-digit German Postleitzahl"),
    "FR": (r"\d{5}", "a 5-digit French code postal"),
    "JP": (r"\d{3}-?\d{4}", "a Japanese postal code (123-4567)"),
    "AU": (r"\d{4}", "a 4-digit Australian postcode"),
    "KR": (r"\d{5}", "a 5-digit Korean postal code"),
    "SG": (r"\d{6}", "a 6-digit Singapore postal code"),
    "TW": (r"\d{3}(\d{2,3})?", "a Taiwan postal code (3, 5 or 6 digits)"),
}
_CN_PLACEHOLDERS = frozenset({"000000", "999999"})
_SUFFIXES = re.compile(
    r"(\s+(sheng|shi|zizhiqu|huizu zizhiqu|uygur zizhiqu|zhuangzu zizhiqu|sar)"
    r"|-(do|si|gwangyeoksi|teukbyeolsi|teukbyeoljachido|teukbyeoljachisi)"
    r"|\s+(province|state|prefecture|territory)"
    r"|특별자치시|특별자치도|특별시|광역시"
    r"|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|特別行政區|省|市|都|府|県|县|縣|州)$",
    re.I,
)


@dataclass(frozen=True)
class CountryCheck:
    country: str
    region: str
    postcode: str
    ok: bool
    problems: tuple[str, ...] = ()


def check_address(country: str, region: str, postcode: str, city: str) -> CountryCheck:
    """Resolve the country, then check region, postcode and city the way its post needs them."""
    code = resolve_country(country)
    if code is None:
        problem = f"{PROBLEM}: country '{country.strip()}' is not a known country or ISO code"
        return CountryCheck("", region.strip(), postcode.strip(), False, (problem,))
    region_code, region_problem = _check_region(code, region)
    post, post_problem = _check_postcode(code, postcode)
    city_problem = "" if city.strip() or code in NO_CITY_NEEDED else f"{PROBLEM}: city is missing"
    problems = tuple(p for p in (region_problem, post_problem, city_problem) if p)
    return CountryCheck(code, region_code, post, not problems, problems)


def resolve_country(text: str) -> str | None:
    """ISO-2 for an ISO-2/ISO-3 code or an English, Chinese or other known name; None if unknown."""
    key = _fold(text)
    if not key:
        return None
    return _country_index().get(key)


def resolve_region(country: str, text: str) -> str | None:
    """ISO 3166-2 code ("US-CA") for a code or name of one of `country`'s subdivisions."""
    index = _region_index(country)
    for candidate in (text, _strip_suffix(text)):
        code = index.get(_fold(candidate))
        if code:
            return code
    return None


def _check_region(country: str, region: str) -> tuple[str, str]:
    text = region.strip()
    if not text:
        needed = country in REGION_REQUIRED
        return "", f"{PROBLEM}: region is missing; {country} addresses need one" if needed else ""
    code = resolve_region(country, text)
    if code is not None:
        return code, ""
    if country in REGION_CHECKED:
        return text, f"{PROBLEM}: region '{text}' is not a subdivision of {country}"
    return text, ""


def _check_postcode(country: str, postcode: str) -> tuple[str, str]:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", postcode)).upper().lstrip("〒")
    if country in NO_POSTCODE or (country == "CN" and text in _CN_PLACEHOLDERS):
        return "", ""
    rule = _POSTCODE_FORMATS.get(country)
    if not text:
        needed = rule is not None and country not in POSTCODE_OPTIONAL
        return "", f"{PROBLEM}: postcode is missing; {country} addresses need one" if needed else ""
    if rule is None:
        return text, ""
    pattern, described = rule
    if not re.fullmatch(pattern, text):
        return postcode.strip(), f"{PROBLEM}: postcode '{postcode.strip()}' is not {described}"
    return _formatted_postcode(country, text), ""


def _formatted_postcode(country: str, text: str) -> str:
    """House style per country: "K1A 0B1", "SW1A 1AA", "100-0001", "90210-1234"."""
    if country in ("CA", "GB"):
        return f"{text[:-3]} {text[-3:]}"
    if country == "JP":
        digits = text.replace("-", "")
        return f"{digits[:3]}-{digits[3:]}"
    if country == "US" and len(text.replace("-", "")) == 9:
        digits = text.replace("-", "")
        return f"{digits[:5]}-{digits[5:]}"
    return text


def _fold(text: str) -> str:
    """Accent-, width-, case- and punctuation-insensitive key ("Thüringen" == "thuringen")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", bare).casefold())


def _strip_suffix(name: str) -> str:
    return _SUFFIXES.sub("", name.strip())


def _translators(domain: str) -> list[gettext.NullTranslations]:
    return [
        gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in _TRANSLATIONS
    ]


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    translators = _translators("iso3166-1")
    for country in pycountry.countries:
        names = [country.alpha_2, country.alpha_3, country.name]
        names += [getattr(country, f, "") for f in ("official_name", "common_name")]
        names += [t.gettext(country.name) for t in translators]
        for name in filter(None, names):
            index.setdefault(_fold(name), country.alpha_2)
    index.update({_fold(alias): code for alias, code in COUNTRY_ALIASES.items()})
    return index


@lru_cache(maxsize=256)
def _region_index(country: str) -> dict[str, str]:
    """Folded code/name/translation -> subdivision code; names two subdivisions share are dropped."""
    translators = _translators("iso3166-2")
    exact: dict[str, str] = {}
    stripped: dict[str, str] = {}
    for sub in (s for s in pycountry.subdivisions if s.country_code == country):
        names = {sub.code, sub.code.split("-", 1)[1], sub.name}
        names |= {t.gettext(sub.name) for t in translators}
        for name in names:
            _add_unique(exact, _fold(name), sub.code)
            _add_unique(stripped, _fold(_strip_suffix(name)), sub.code)
    return {key: code for key, code in (stripped | exact).items() if code}


def _add_unique(index: dict[str, str], key: str, code: str) -> None:
    if key:
        index[key] = code if index.get(key, code) == code else ""
