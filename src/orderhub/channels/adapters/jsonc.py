"""JSON as some platforms publish it: with `//` / `/* */` comments and trailing commas."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from orderhub.channels.base import ParseError

_STRING = r'"(?:\\.|[^"\\])*"'
_COMMENTS = re.compile(_STRING + r"|//[^\n]*|/\*.*?\*/", re.DOTALL)
_TRAILING_COMMAS = re.compile(_STRING + r"|,(?=\s*[}\]])")


def load_jsonc(raw: str) -> Any:
    """Strict JSON, else JSON with `//` / `/* */` comments and trailing commas removed."""
    try:
        return json.loads(raw, parse_float=Decimal)
    except ValueError:
        pass
    try:
        return json.loads(strip_jsonc(raw), parse_float=Decimal)
    except ValueError as exc:
        raise ParseError("PAYLOAD_NOT_JSON", f"not JSON (nor JSONC): {exc}") from None


def strip_jsonc(text: str) -> str:
    """`text` without comments and trailing commas; strings are copied untouched."""

    def keep_strings(match: re.Match[str]) -> str:
        return match.group() if match.group().startswith('"') else " "

    return _TRAILING_COMMAS.sub(keep_strings, _COMMENTS.sub(keep_strings, text))
