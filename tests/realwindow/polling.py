"""Waiting for the station without fixed sleeps: look again every 20 ms until the answer
comes or the timeout passes."""

from __future__ import annotations

import time

POLL_S = 0.02


def wait_until(look, timeout: float = 10.0):
    """`look()` as soon as it is truthy; its last (falsy) answer after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        answer = look()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(POLL_S)
