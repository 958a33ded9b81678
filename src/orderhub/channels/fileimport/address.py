"""Split a full Chinese address (收货地址) into province / city / district / street. Pure.

Simple, predictable rules only — completing or correcting addresses is another module's job:
- the four municipalities (北京/上海/天津/重庆, with or without 市) are both province and city
  ("北京 朝阳区 …", "北京市 北京市 朝阳区 …" and "北京市朝阳区…" all give 北京市/北京市/朝阳区);
- a province ends in 省 / 自治区 / 特别行政区, or is one of the 2–3 character short names
  (江西, 内蒙古, 广西 …, as JD writes "江西南昌市…");
- then a city ending in 市 / 自治州 / 地区 / 盟, then a district ending in 区 / 县 / 市 / 旗;
  a part never contains 路/街/道/号/镇/乡/村 so a street is not mistaken for a city;
- a trailing "(518000)" six-digit postcode (淘宝 appends it) is split off.
When no province is recognised nothing is split: the whole text is the street.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MUNICIPALITY = re.compile(r"^(北京|上海|天津|重庆)(?:市)?\s*")
_REPEATED_CITY = re.compile(r"^(?:(?:北京|上海|天津|重庆)(?:市|(?=\s))|市辖区)\s*")
_PROVINCE = re.compile(
    r"^(内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|新疆维吾尔自治区"
    r"|香港特别行政区|澳门特别行政区|[\u4e00-\u9fff]{2,3}?省)\s*"
)
_SHORT_PROVINCE = re.compile(
    r"^(黑龙江|内蒙古|河北|山西|辽宁|吉林|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东"
    r"|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|广西|西藏|宁夏|新疆|香港|澳门)\s*"
)
_NOT_IN_PART = "路街道号镇乡村巷弄栋幢室楼"
_CITY = re.compile(
    rf"^((?:(?![{_NOT_IN_PART}区县])[\u4e00-\u9fff]){{1,10}}?(?:自治州|地区|市|盟))\s*"
)
_DISTRICT = re.compile(rf"^((?:(?![{_NOT_IN_PART}])[\u4e00-\u9fff]){{1,10}}?(?:区|县|市|旗))\s*")
_POSTCODE = re.compile(r"\s*[(（](\d{6})[)）]\s*$")


@dataclass(frozen=True, slots=True)
class AddressParts:
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    postcode: str = ""


def split_address(full: str) -> AddressParts:
    """Split `full` into its administrative parts; unrecognised text stays in `street`."""
    text, postcode = _take_postcode(full.strip())
    province, city, rest = _take_province(text)
    if not province:
        return AddressParts(street=text, postcode=postcode)
    if not city:
        city, rest = _take(_CITY, rest)
    district, rest = _take(_DISTRICT, rest)
    return AddressParts(province, city, district, rest.strip(), postcode)


def _take_postcode(text: str) -> tuple[str, str]:
    match = _POSTCODE.search(text)
    if match is None:
        return text, ""
    return text[: match.start()], match.group(1)


def _take_province(text: str) -> tuple[str, str, str]:
    """(province, city if implied, remaining text)."""
    match = _MUNICIPALITY.match(text)
    if match is not None:
        name = match.group(1) + "市"
        rest = _REPEATED_CITY.sub("", text[match.end() :], count=1)
        return name, name, rest
    for pattern in (_PROVINCE, _SHORT_PROVINCE):
        match = pattern.match(text)
        if match is not None:
            return match.group(1), "", text[match.end() :]
    return "", "", text


def _take(pattern: re.Pattern[str], text: str) -> tuple[str, str]:
    match = pattern.match(text)
    if match is None:
        return "", text
    return match.group(1), text[match.end() :]
