"""Receiver phone numbers as platforms send them, normalised with Google's libphonenumber.

Kinds and what identity matching may do with them (`match_key`):

- MOBILE / LANDLINE: a real, valid number; `match_key` is its E.164 form, with ";ext=NNN" when the
  number carries an extension (an office switchboard is shared by many people, so the extension is
  part of the identity). LANDLINE covers every valid non-mobile number, including numbers whose
  numbering plan cannot tell fixed from mobile (US/CA: `line_type` "FIXED_LINE_OR_MOBILE").
- PRIVACY: a platform virtual number (隐私号/虚拟号): an 11-digit host number plus a 4-digit
  extension (Taobao 订单号码保护, PDD `virtual_number` + `identify_number`, WeChat Channels
  "主机号-分机号"). The host is the platform's line, shared by thousands of buyers and reassigned
  after the order (Taobao: 15 days after the trade). Identity matching must NEVER treat the host
  number alone as the buyer; `match_key` is host + extension, and even that only links orders
  within one binding's lifetime.
- MASKED: "138****8000", "1389289****": the platform hid digits. Not invalid, but not an identity
  either: `match_key` is "". The visible digits are kept in `visible_prefix` / `visible_suffix`.
- INVALID (with `reason`) and EMPTY: `match_key` is "".

`e164` is filled exactly for MOBILE, LANDLINE and PRIVACY (for PRIVACY it is the host number).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, PhoneNumberType

CACHE_SIZE = 65_536


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    PRIVACY = "privacy"
    MASKED = "masked"
    INVALID = "invalid"
    EMPTY = "empty"


@dataclass(frozen=True)
class NormalizedPhone:
    raw: str
    kind: PhoneKind
    e164: str = ""
    national: str = ""
    extension: str = ""
    country: str = ""
    match_key: str = ""
    line_type: str = ""
    visible_prefix: str = ""
    visible_suffix: str = ""
    reason: str = ""

    @property
    def is_identity(self) -> bool:
        """True when `match_key` may be compared to link orders to one buyer."""
        return bool(self.match_key)


# Extension words: 转/分机 (unknown to libphonenumber) and ext/x/#, so that all split alike.
_EXTENSION_WORD = re.compile(r"^(.*?\d)\s*(?:转|轉|分机号|分机|分機|ext\.?|x|#)\s*(\d{1,6})$", re.I)
# "13800138000-1234", "010-62345678_801": tried only when the whole text is not a valid number.
_EXTENSION_DASH = re.compile(r"^(.*\d)\s*[-_]\s*(\d{1,6})$")
_MASK_CHARS = re.compile(r"^[+\d\s().\-_*]*\*[+\d\s().\-_*]*$")
_MASKED_EXTENSION = re.compile(r"^([\d*]{11})\s*(?:[-_]|转|轉|分机号|分机|分機)\s*(\d{1,6})$")
_DASHES = str.maketrans({"—": "-", "–": "-", "‐": "-", "﹣": "-", "×": "*", "✱": "*"})
_PARSE_ERRORS = {
    NumberParseException.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
    NumberParseException.NOT_A_NUMBER: "NOT_A_NUMBER",
    NumberParseException.TOO_SHORT_AFTER_IDD: "TOO_SHORT",
    NumberParseException.TOO_SHORT_NSN: "TOO_SHORT",
    NumberParseException.TOO_LONG: "TOO_LONG",
}
_POSSIBILITY_ERRORS = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
    phonenumbers.ValidationResult.TOO_SHORT: "TOO_SHORT",
    phonenumbers.ValidationResult.TOO_LONG: "TOO_LONG",
    phonenumbers.ValidationResult.INVALID_LENGTH: "INVALID_LENGTH",
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "LOCAL_ONLY",
}


def normalize_phone(raw: str, *, default_country: str = "CN") -> NormalizedPhone:
    """Normalise one phone text; national numbers are read as `default_country` (ISO-2)."""
    return _normalize_cached(raw, default_country.strip().upper())


def normalize_cache_clear() -> None:
    _normalize_cached.cache_clear()


@lru_cache(maxsize=CACHE_SIZE)
def _normalize_cached(raw: str, country: str) -> NormalizedPhone:
    text = _clean(raw)
    if not text:
        return NormalizedPhone(raw, PhoneKind.EMPTY)
    if "*" in text:
        return _masked(raw, text, country)
    plain = _CN_MOBILE.match(text)
    if plain and (country == "CN" or text.startswith("+")):
        found = _cn_mobile(raw, plain.group(1))
        if found is not None:
            return found
    return _parsed(raw, text, country)


# Most receivers on Chinese platforms are a bare mainland mobile number: answered without a
# full libphonenumber parse once the number's 5-digit prefix is known to be a valid mobile
# range (libphonenumber's CN mobile ranges are prefixes followed by any six digits).
_CN_MOBILE = re.compile(r"^(?:\+?86[\s-]?)?(1[3-9]\d{9})$")


def _cn_mobile(raw: str, digits: str) -> NormalizedPhone | None:
    if not _mobile_prefix(digits[:5]):
        return None
    e164 = f"+86{digits}"
    return NormalizedPhone(
        raw=raw,
        kind=PhoneKind.MOBILE,
        e164=e164,
        national=f"{digits[:3]} {digits[3:7]} {digits[7:]}",
        country="CN",
        match_key=e164,
        line_type="MOBILE",
    )


@lru_cache(maxsize=8192)  # all 7,000 prefixes 13000–19999 fit: a smaller cache thrashed
def _mobile_prefix(prefix: str) -> bool:
    """True when every number of this 5-digit prefix is a valid CN mobile (checked on two)."""
    for tail in ("000000", "999999"):
        number = phonenumbers.parse(prefix + tail, "CN")
        if not phonenumbers.is_valid_number(number):
            return False
        if phonenumbers.number_type(number) != PhoneNumberType.MOBILE:
            return False
    return True


def _clean(raw: str) -> str:
    """Full-width digits and punctuation to ASCII, odd dashes to "-", outer blanks removed."""
    return unicodedata.normalize("NFKC", raw).translate(_DASHES).strip()


def _parsed(raw: str, text: str, country: str) -> NormalizedPhone:
    words = _EXTENSION_WORD.match(text)
    if words:
        return _with_extension(raw, words.group(1), words.group(2), country)
    number, error = _parse(text, country)
    if number is not None and phonenumbers.is_valid_number(number):
        return _valid(raw, number)
    dashed = _EXTENSION_DASH.match(text)
    if dashed:
        split = _with_extension(raw, dashed.group(1), dashed.group(2), country)
        if split.kind is not PhoneKind.INVALID:
            return split
    return _invalid(raw, text, country, number, error)


def _with_extension(raw: str, base: str, extension: str, country: str) -> NormalizedPhone:
    number, error = _parse(base, country)
    if number is None or not phonenumbers.is_valid_number(number):
        return _invalid(raw, base, country, number, error)
    number.extension = extension
    return _valid(raw, number)


def _parse(text: str, country: str) -> tuple[PhoneNumber | None, str]:
    try:
        return phonenumbers.parse(text, country or None), ""
    except NumberParseException as exc:
        return None, _PARSE_ERRORS.get(exc.error_type, "NOT_A_NUMBER")


def _valid(raw: str, number: PhoneNumber) -> NormalizedPhone:
    extension = number.extension or ""
    number_type = phonenumbers.number_type(number)
    if number_type == PhoneNumberType.MOBILE:
        kind = PhoneKind.PRIVACY if extension else PhoneKind.MOBILE
    else:
        kind = PhoneKind.LANDLINE
    bare = PhoneNumber(country_code=number.country_code, national_number=number.national_number)
    bare.italian_leading_zero = number.italian_leading_zero
    bare.number_of_leading_zeros = number.number_of_leading_zeros
    e164 = phonenumbers.format_number(bare, PhoneNumberFormat.E164)
    return NormalizedPhone(
        raw=raw,
        kind=kind,
        e164=e164,
        national=phonenumbers.format_number(bare, PhoneNumberFormat.NATIONAL),
        extension=extension,
        country=_region_of(number),
        match_key=f"{e164};ext={extension}" if extension else e164,
        line_type=PhoneNumberType.to_string(number_type),
    )


def _region_of(number: PhoneNumber) -> str:
    region = phonenumbers.region_code_for_number(number) or ""
    return "" if region in ("ZZ", "001") else region


def _invalid(
    raw: str, text: str, country: str, number: PhoneNumber | None, error: str
) -> NormalizedPhone:
    if number is not None:
        possible = phonenumbers.is_possible_number_with_reason(number)
        error = _POSSIBILITY_ERRORS.get(possible, "NOT_ASSIGNED")
        calling_code = number.country_code or 0
        region = _region_of(number) or phonenumbers.region_code_for_country_code(calling_code)
        where = f"+{calling_code} ({region})"
    else:
        where = country or "international"
    return NormalizedPhone(
        raw, PhoneKind.INVALID, reason=f"{error}: {_explain(error, text, where)}"
    )


def _explain(error: str, text: str, where: str) -> str:
    messages = {
        "NOT_A_NUMBER": f"'{text}' is not a phone number",
        "INVALID_COUNTRY_CODE": f"'{text}' has no country code and no default country applies",
        "TOO_SHORT": f"'{text}' has too few digits for a {where} number",
        "TOO_LONG": f"'{text}' has too many digits for a {where} number",
        "INVALID_LENGTH": f"'{text}' has a digit count no {where} number has",
        "LOCAL_ONLY": f"'{text}' is a local or service number, not a {where} subscriber's phone",
        "NOT_ASSIGNED": f"'{text}' is shaped like a {where} number but is in no assigned range",
    }
    return messages[error]


def _masked(raw: str, text: str, country: str) -> NormalizedPhone:
    """Masked numbers keep what is visible; an international prefix sets the country."""
    extension = ""
    with_extension = _MASKED_EXTENSION.match(text)
    if with_extension:
        text, extension = with_extension.groups()
    if not _MASK_CHARS.match(text):
        reason = f"NOT_A_NUMBER: {_explain('NOT_A_NUMBER', text, country)}"
        return NormalizedPhone(raw, PhoneKind.INVALID, reason=reason)
    symbols = re.sub(r"[^\d*+]", "", text)
    cc_country, national = _split_country_code(symbols)
    head, _, tail = national.partition("*")
    return NormalizedPhone(
        raw=raw,
        kind=PhoneKind.MASKED,
        national=national,
        extension=extension,
        country=cc_country if cc_country is not None else country,
        visible_prefix=head,
        visible_suffix=tail.rsplit("*", 1)[-1],
    )


def _split_country_code(symbols: str) -> tuple[str | None, str]:
    """ "+86138****8000" / "0086138****8000" -> ("CN", "138****8000"); plain text unchanged."""
    if symbols.startswith("+"):
        digits = symbols[1:]
    elif symbols.startswith("00"):
        digits = symbols[2:]
    else:
        return None, symbols
    for length in (1, 2, 3):
        code = digits[:length]
        if code.isdigit() and int(code) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            region = phonenumbers.region_code_for_country_code(int(code))
            return ("" if region in ("ZZ", "001") else region), digits[length:]
    return "", digits
