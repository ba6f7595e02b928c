"""Riding out a storm of rate-limit refusals in a background sync: the kit's HTTP gives up
after a few 429s in a row (right for a person waiting at a screen); a sync may wait longer,
up to a budget of seconds, before it fails with RateLimited and resumes on its next run."""

from __future__ import annotations

from typing import Callable

import httpx

from oms_desktop.plugins.errors import RateLimited
from oms_desktop.plugins.http import PluginHttp

BUDGET_S = 1800.0
PAUSE_S = 2.0  # between rounds when the platform gave no Retry-After


def ride_out(http: PluginHttp, send: Callable[[], httpx.Response], *,
             budget_s: float = BUDGET_S,
             refused: Callable[[], float] | None = None) -> httpx.Response:
    """`send()` until it is not refused or `budget_s` of waiting is spent. `refused()`, if
    given, learns of a refusal and returns the wait it calls for (a pacer's)."""
    waited = 0.0
    while True:
        before = len(http.waits)
        try:
            return send()
        except RateLimited as exc:
            pause = refused() if refused else (exc.retry_after or PAUSE_S)
            waited += sum(http.waits[before:]) + pause
            if waited > budget_s:
                raise
            if pause > 0:
                http.wait(pause)
