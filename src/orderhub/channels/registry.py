"""Which adapter serves which platform. Each adapter module registers itself on import."""

from __future__ import annotations

import importlib

from orderhub.channels.base import ChannelAdapter

BUILTIN = ("shopify", "woocommerce", "taobao", "douyin", "amazon", "jd", "pdd")
_ADAPTERS: dict[str, ChannelAdapter] = {}
_loaded = False


def register(adapter: ChannelAdapter) -> ChannelAdapter:
    for platform in adapter.platforms:
        _ADAPTERS[platform] = adapter
    return adapter


def adapter_for(platform: str) -> ChannelAdapter:
    _load_builtin()
    try:
        return _ADAPTERS[platform]
    except KeyError:
        raise LookupError(f"no adapter for platform {platform!r}") from None


def platforms() -> list[str]:
    _load_builtin()
    return sorted(_ADAPTERS)


def _load_builtin() -> None:
    """Import every built-in adapter once (importing one directly must not hide the others)."""
    global _loaded
    if not _loaded:
        for module in BUILTIN:
            importlib.import_module(f"orderhub.channels.adapters.{module}")
        _loaded = True
