"""HTTP for channel adapters: one client per shop, errors sorted into retry-able and not."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx


class ChannelError(Exception):
    """A platform call failed."""

    code = "CHANNEL_ERROR"


class TransientChannelError(ChannelError):
    """Worth retrying later: timeouts, connection errors, 429 and 5xx, platform rate limits."""

    code = "CHANNEL_TRANSIENT"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ChannelAuthError(ChannelError):
    """Credentials refused (401/403 or the platform's own auth error): a person must act."""

    code = "CHANNEL_AUTH"


class ChannelRequestError(ChannelError):
    """The platform refused the request itself (other 4xx, or a business error)."""

    code = "CHANNEL_REQUEST"


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class ChannelHttp:
    """A thin wrapper over `httpx.Client` that raises the errors above instead of returning them."""

    def __init__(
        self, base_url: str, *, timeout: float = 20.0, client: httpx.Client | None = None
    ) -> None:
        self.client = client or httpx.Client(base_url=base_url, timeout=timeout)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        try:
            response = self.client.request(method, url, params=params, data=data, headers=headers)
        except httpx.TimeoutException as exc:
            raise TransientChannelError(f"timeout calling {url}: {exc}") from exc
        except httpx.TransportError as exc:
            raise TransientChannelError(f"cannot reach {url}: {exc}") from exc
        status = response.status_code
        if status == 429 or status >= 500:
            raise TransientChannelError(
                f"{url} answered {status}",
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            )
        if status in (401, 403):
            raise ChannelAuthError(f"{url} refused the credentials ({status})")
        if status >= 400:
            raise ChannelRequestError(f"{url} answered {status}: {response.text[:300]}")
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.client.close()
