"""Where the published platform samples are: `../shared/samples` next to the checkout.

ORDERHUB_SAMPLES_DIR overrides it. A missing folder fails the tests that need it (it is never a
reason to skip them).
"""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
_CANDIDATES = [
    Path(os.environ["ORDERHUB_SAMPLES_DIR"]) if os.environ.get("ORDERHUB_SAMPLES_DIR") else None,
    _ROOT.parent / "shared" / "samples",
    Path("/work/shared/samples"),
]
SAMPLES_DIR = next((p for p in _CANDIDATES if p is not None and p.is_dir()), _CANDIDATES[1])


def sample_dir(platform: str) -> Path:
    path = SAMPLES_DIR / platform
    if not path.is_dir():
        raise FileNotFoundError(f"platform samples not found at {path}; set ORDERHUB_SAMPLES_DIR")
    return path
