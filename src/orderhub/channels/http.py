"""HTTP for channel adapters: one client per shop, errors sorted into retry-able and not."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

MAX_ERROR_BODY = 4000  # characters of a refused answer kept on `ChannelRequestError.body`


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
    """The platform refused the request itself (other 4xx, or a business error).

    `status` and `body` are the HTTP answer's, when there was one; adapters that decode a
    platform error put the platform's own code and message in `platform_code`/`platform_message`.
    """

    code = "CHANNEL_REQUEST"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: str = "",
        platform_code: str = "",
        platform_message: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = body
        self.platform_code = platform_code
        self.platform_message = platform_message


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
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """`data` is sent form-encoded, `json` as a JSON body."""
        try:
            response = self.client.request(
                method, url, params=params, data=data, json=json, headers=headers
            )
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
            raise ChannelRequestError(
                f"{url} answered {status}: {response.text[:300]}",
                status=status,
                body=response.text[:MAX_ERROR_BODY],
            )
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.client.close()
