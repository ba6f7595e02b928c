"""HTTP calls with the typed errors and the backoff every connector shares: 429 waits the
server's Retry-After, 5xx and network errors back off exponentially, 401/403 stop at once."""

from __future__ import annotations

import logging
import time
from typing import Callable

import httpx

from oms_desktop.connectors.errors import AuthFailed, RateLimited, Transient

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
MAX_WAIT_S = 60.0


def retry_after(response: httpx.Response, default: float = 2.0) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", default)))
    except ValueError:
        return default


class Http:
    """An httpx client plus the retry policy. `sleep` is injectable so tests can see waits."""

    def __init__(self, base_url: str, *, headers: dict | None = None, auth=None,
                 params: dict | None = None, timeout: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep):
        self.client = httpx.Client(base_url=base_url, headers=headers or {}, auth=auth,
                                   params=params, timeout=timeout)
        self.sleep = sleep
        self.waits: list[float] = []

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                response = self.client.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                self._backoff(attempt, Transient(f"Cannot reach {self.client.base_url}: {exc}"))
                continue
            if response.status_code == 429:
                self._wait(attempt, retry_after(response),
                           RateLimited("The channel is rate limiting us", retry_after(response)))
                continue
            if response.status_code >= 500:
                self._backoff(attempt, Transient(f"Channel error HTTP {response.status_code}"))
                continue
            if response.status_code in (401, 403):
                raise AuthFailed(_auth_message(response))
            return response
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int, error: Exception) -> None:
        self._wait(attempt, min(MAX_WAIT_S, 0.2 * 2 ** (attempt - 1)), error)

    def _wait(self, attempt: int, seconds: float, error: Exception) -> None:
        if attempt >= MAX_ATTEMPTS or seconds > MAX_WAIT_S:
            raise error
        log.info("%s; waiting %.1f s (attempt %d)", error, seconds, attempt)
        self.waits.append(seconds)
        self.sleep(seconds)

    def close(self) -> None:
        self.client.close()


def _auth_message(response: httpx.Response) -> str:
    text = " ".join(response.text.split())[:200]
    return (f"The channel refused our credentials (HTTP {response.status_code}): {text}. "
            "Check the access token / keys in the channel settings.")
