"""Bearer tokens that expire: fetched when first needed, fetched again shortly before they
expire or when the platform answers that the one we sent has expired (one refresh and one
retry of the same request). Used by the plugins whose platforms hand out short-lived access
tokens (Login with Amazon, Etsy's OAuth 2 refresh grant, Flipkart's client credentials)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterator

import httpx

from oms_desktop.plugins.errors import AuthFailed, Transient

EARLY_S = 60.0  # refresh this long before the token's own expiry


@dataclass(frozen=True)
class Token:
    value: str
    expires_in: float


class ExpiringTokenAuth(httpx.Auth):
    """Puts `prefix + token` in `header`. `fetch()` gets a new Token; `expired(response)`
    tells an answer that means "your token expired" from any other refusal."""

    requires_response_body = True

    def __init__(self, fetch: Callable[[], Token], *, expired: Callable[[httpx.Response], bool],
                 header: str = "Authorization", prefix: str = "Bearer ",
                 clock: Callable[[], float] = time.monotonic):
        self.fetch, self.expired, self.header, self.prefix = fetch, expired, header, prefix
        self.clock = clock
        self._token: str | None = None
        self._until = 0.0
        self._lock = threading.Lock()

    def token(self, *, renew: bool = False) -> str:
        with self._lock:
            if renew or self._token is None or self.clock() >= self._until:
                fresh = self.fetch()
                self._token = fresh.value
                self._until = self.clock() + max(0.0, fresh.expires_in - EARLY_S)
            return self._token

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        sent = self.token()
        request.headers[self.header] = self.prefix + sent
        response = yield request
        if self.expired(response):
            with self._lock:
                stale = self._token == sent
            request.headers[self.header] = self.prefix + self.token(renew=stale)
            yield request


def post_for_token(url: str, *, title: str, data: dict | None = None,
                   params: dict | None = None, auth: tuple[str, str] | None = None,
                   method: str = "POST", timeout: float = 30.0) -> dict:
    """Ask a token endpoint; its refusal becomes AuthFailed with the platform's own words
    (never the secrets that were sent)."""
    try:
        response = httpx.request(method, url, data=data, params=params, auth=auth,
                                 timeout=timeout)
    except httpx.TransportError as exc:
        raise Transient(f"{title}'s token service cannot be reached: {exc}") from exc
    if response.status_code >= 500:
        raise Transient(f"{title}'s token service failed (HTTP {response.status_code})")
    body = _json(response)
    if response.status_code >= 400 or "access_token" not in body:
        why = body.get("error_description") or body.get("error") or f"HTTP {response.status_code}"
        raise AuthFailed(f"{title} refused to give us an access token: {why}. "
                         "Check the credentials in the channel settings.")
    return body


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
