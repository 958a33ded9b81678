"""Which adapter serves which platform. Adapters register here; nothing else imports them."""

from __future__ import annotations

from orderhub.channels.base import ChannelAdapter

_ADAPTERS: dict[str, ChannelAdapter] = {}


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
    if _ADAPTERS:
        return
    import importlib

    for module in ("shopify", "woocommerce", "taobao", "douyin", "amazon", "jd", "pdd"):
        try:
            importlib.import_module(f"orderhub.channels.adapters.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"orderhub.channels.adapters.{module}":
                raise
