"""JSON without floats: numbers are read as `Decimal` and written back exactly as they were."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

_MARK = "\u0000n:"
_MARKED = re.compile(r'"\\u0000n:([-0-9.eE+]+)"')


def loads_exact(text: str | bytes) -> Any:
    """Parse JSON with every non-integer number as `Decimal` (money never passes through float)."""
    return json.loads(text, parse_float=Decimal)


def _mark(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{_MARK}{value}"
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps_exact(value: Any) -> str:
    """Serialise JSON; `Decimal`s come out as the same number text they were read from."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_mark)
    return _MARKED.sub(r"\1", text)
