"""HTTP for plugins: one httpx client with the typed errors and the retry policy every plugin
shares. 429 waits the server's Retry-After (or backs off with jitter) for as long as the
plugin's patience lasts, 401/403 stop at once as AuthFailed, network failures and 5xx answers
are Transient: retried with backoff where a repeat is harmless (`retry_server_errors`), raised
at once otherwise (a carrier purchase must never be sent twice on a guess)."""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Iterator

import httpx

from oms_desktop.plugins import redaction
from oms_desktop.plugins.backoff import Patience, exponential
from oms_desktop.plugins.errors import AuthFailed, PluginError, Transient

log = logging.getLogger(__name__)

MAX_WAIT_S = 60.0
RATE_LIMIT_FIRST_S, RATE_LIMIT_CAP_S = 2.0, 16.0  # backoff when a 429 gives no Retry-After


def retry_after(response: httpx.Response) -> float | None:
    """The server's Retry-After in seconds, if it gave a usable one."""
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None


class NotJson(Transient, ValueError):
    """An answer that should be JSON and is not; still a ValueError for the plugins' helpers
    that read an error body when there is one."""


class Answer(httpx.Response):
    """A remote's answer whose .json() raises Transient, naming the remote, when the body is
    not JSON (a proxy's HTML error page, a truncated body) instead of a bare decoder error:
    every plugin reads answers with .json(), so the check lives here, once."""

    remote = "The remote system"

    def json(self, **kwargs: Any) -> Any:
        try:
            return super().json(**kwargs)
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
            kind = self.headers.get("content-type", "no content type").split(";")[0]
            start = " ".join(self.text[:80].split()) if self.content else "an empty body"
            raise NotJson(f"{self.remote} answered HTTP {self.status_code} with something that "
                            f"is not JSON ({kind}: {start!r}); try again later",
                            answer=self.text[:2000]) from exc


def _checked(response: httpx.Response, title: str) -> httpx.Response:
    response.__class__ = Answer  # same object and state, only .json() is checked
    response.remote = title
    return response


class PluginHttp:
    """An httpx client plus the retry policy. `sleep` is injectable so tests see the waits.

    `patience`: the seconds one request may spend waiting out rate limits (a background sync
    rides out a storm of 429s); None gives up after `attempts` rate-limited answers instead
    (interactive calls). `attempts` always bounds retries of failures (network, 5xx)."""

    def __init__(self, base_url: str, *, title: str, headers: dict | None = None,
                 auth: Any = None, params: dict | None = None, timeout: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep, attempts: int = 5,
                 retry_server_errors: bool = True, patience: float | None = None):
        self.client = httpx.Client(base_url=base_url, headers=headers or {}, auth=auth,
                                   params=params, timeout=timeout)
        redaction.remember(*redaction.secrets_in(headers, auth, params))
        self.title, self.sleep, self.attempts = title, sleep, attempts
        self.retry_server_errors, self.patience = retry_server_errors, patience
        self.waits: list[float] = []

    def new_patience(self) -> Patience:
        """The allowance of one call (the Shopify connector spends it on THROTTLED too)."""
        return Patience(self.title, seconds=self.patience, answers=self.attempts,
                        longest=MAX_WAIT_S)

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        """The first answer that is neither rate limited nor failed; other 4xx answers are
        returned for the plugin to read."""
        patience, failures = self.new_patience(), 0
        while True:
            try:
                response = self.client.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                failures += 1
                self._retry(failures, Transient(f"{self.title} cannot be reached: {exc}"))
                continue
            if response.status_code == 429:
                self._rate_limited(patience, retry_after(response))
                continue
            if response.status_code >= 500:
                failures += 1
                self._retry(failures, Transient(
                    f"{self.title} failed (HTTP {response.status_code}); try again later",
                    answer=response.text[:2000]))
                continue
            if response.status_code in (401, 403):
                raise AuthFailed(_auth_message(self.title, response))
            return _checked(response, self.title)

    def call(self, method: str, path: str, body: dict | None = None, *,
             on_error: Callable[[dict, int], None]) -> dict:
        """A JSON request; a 4xx answer goes to `on_error(data, status)`, which raises the
        plugin's own typed error from the remote's error body."""
        response = self.request(method, path, json=body)
        data = response.json() if response.content else {}
        if response.status_code >= 400:
            on_error(data, response.status_code)
        return data

    def download(self, url: str) -> bytes:
        """A file (a label); URLs on the API host go through the client, others plainly."""
        try:
            if self._on_api_host(url):
                response = self.client.get(url)
            else:
                response = httpx.get(url, timeout=self.client.timeout)
        except httpx.TransportError as exc:
            raise Transient(f"{self.title}: the file cannot be fetched: {exc}") from exc
        if response.status_code != 200:
            raise PluginError(f"{self.title}: download failed (HTTP {response.status_code})")
        return response.content

    def lines(self, url: str) -> Iterator[str]:
        """A text file line by line as it arrives (an export of many megabytes). A file off
        the API host (a signed storage URL) is fetched without our credentials."""
        client = self.client if self._on_api_host(url) else httpx.Client(
            timeout=self.client.timeout)
        try:
            with client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise PluginError(f"{self.title}: download failed "
                                      f"(HTTP {response.status_code})")
                yield from response.iter_lines()
        except httpx.TransportError as exc:
            raise Transient(f"{self.title}: the file cannot be fetched: {exc}") from exc
        finally:
            if client is not self.client:
                client.close()

    def _on_api_host(self, url: str) -> bool:
        return httpx.URL(url).host in ("", self.client.base_url.host)

    def wait(self, seconds: float) -> None:
        """Sleep on the plugin's clock and remember it (the tests read `waits`)."""
        log.info("%s: waiting %.1f s", self.title, seconds)
        self.waits.append(seconds)
        self.sleep(seconds)

    def _rate_limited(self, patience: Patience, seconds: float | None) -> None:
        """Retry-After is honoured as given; without it, exponential backoff with jitter."""
        wait = seconds if seconds is not None else exponential(
            patience.seen + 1, first=RATE_LIMIT_FIRST_S, cap=RATE_LIMIT_CAP_S)
        self.wait(patience.spend(wait, retry_after=seconds))

    def _retry(self, attempt: int, error: Transient) -> None:
        if not self.retry_server_errors or attempt >= self.attempts:
            raise error
        self.wait(exponential(attempt, first=0.2, cap=MAX_WAIT_S))

    def close(self) -> None:
        self.client.close()


def _auth_message(title: str, response: httpx.Response) -> str:
    text = " ".join(response.text.split())[:200]
    return (f"{title} refused our credentials (HTTP {response.status_code})"
            f"{': ' + text if text else ''}. Check the keys in its settings.")
