"""The HTTP side shared by the aggregator plugins: one httpx client, 429 + Retry-After with
backoff, network and 5xx failures as Transient, 401/403 as AuthFailed."""

from __future__ import annotations

from typing import Any, Callable

import httpx

from oms_desktop.carriers.base import AuthFailed, CarrierError, RateLimited, Transient

MAX_WAIT_S = 30.0


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class CarrierHttp:
    def __init__(self, *, title: str, base_url: str, auth: Any = None,
                 headers: dict[str, str] | None = None, sleep: Callable[[float], None],
                 attempts: int = 3, timeout: float = 20.0):
        self.title = title
        self.client = httpx.Client(base_url=base_url, auth=auth, headers=headers or {},
                                   timeout=timeout)
        self.sleep, self.attempts = sleep, attempts

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, path: str, **kw) -> httpx.Response:
        """The response of the first attempt that is not rate limited; 4xx other than 429
        are returned for the caller to read, everything else raises a typed error."""
        for attempt in range(1, self.attempts + 1):
            response = self._send(method, path, **kw)
            if response.status_code != 429:
                return self._checked(response)
            wait = retry_after(response)
            if attempt == self.attempts or (wait or 0) > MAX_WAIT_S:
                raise RateLimited(f"{self.title} is rate limiting us; try again in "
                                  f"{wait or 'a few'} s", retry_after=wait)
            self.sleep(wait if wait is not None else 2.0 ** attempt)
        raise AssertionError("unreachable")

    def call(self, method: str, path: str, body: dict | None = None, *,
             on_error: Callable[[dict, int], None]) -> dict:
        """A JSON request; a 4xx answer goes to `on_error(data, status)`, which raises the
        carrier's own typed error from its error body."""
        response = self.request(method, path, json=body)
        data = response.json() if response.content else {}
        if response.status_code >= 400:
            on_error(data, response.status_code)
        return data

    def _send(self, method: str, path: str, **kw) -> httpx.Response:
        try:
            return self.client.request(method, path, **kw)
        except httpx.TransportError as exc:
            raise Transient(f"{self.title} cannot be reached: {exc}") from exc

    def _checked(self, response: httpx.Response) -> httpx.Response:
        if response.status_code in (401, 403):
            raise AuthFailed(f"{self.title} refused our API key ({response.status_code}); "
                             "check the key in the OS keyring")
        if response.status_code >= 500:
            raise Transient(f"{self.title} failed ({response.status_code}); try again later")
        return response

    def download(self, url: str) -> bytes:
        """A label file; URLs on the API host go through the client, others plainly."""
        if httpx.URL(url).host in ("", self.client.base_url.host):
            response = self._send("GET", url)
        else:
            try:
                response = httpx.get(url, timeout=self.client.timeout)
            except httpx.TransportError as exc:
                raise Transient(f"{self.title} label cannot be fetched: {exc}") from exc
        if response.status_code != 200:
            raise CarrierError(f"{self.title} label download failed ({response.status_code})")
        return response.content
