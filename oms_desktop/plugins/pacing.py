"""Client-side token buckets for platforms that publish their limits per operation (Amazon's
Selling Partner API: a rate in requests per second and a burst). Waiting before a call costs
nothing the platform would not impose anyway; being refused (429) costs a round trip and, on
Amazon, a longer wait. `wait_for(op)` says how long to wait before the next call may go."""

from __future__ import annotations

import threading
import time
from typing import Callable

MARGIN_S = 0.01  # a token is waited for a hair longer: the platform's clock is not ours


class TokenPacer:
    """One bucket per operation: it holds at most `burst` tokens and refills at `rate` a
    second; each call takes one. A bucket starts full, as the platform's does."""

    def __init__(self, limits: dict[str, tuple[float, float]], *,
                 clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._limits = dict(limits)
        now = clock()
        self._state = {op: [float(burst), now] for op, (_, burst) in limits.items()}
        self._lock = threading.Lock()

    def wait_for(self, op: str) -> float:
        """Take a token for `op`: 0 when one is there, else the seconds until it will be
        (the token is then already spoken for)."""
        with self._lock:
            rate, _ = self._limits[op]
            level, at = self._refill(op)
            if level >= 1:
                self._state[op] = [level - 1, at]
                return 0.0
            wait = (1 - level) / rate + MARGIN_S
            self._state[op] = [0.0, at + wait]
            return wait

    def refused(self, op: str) -> None:
        """The platform said the bucket is empty: believe it."""
        with self._lock:
            self._state[op] = [0.0, max(self.clock(), self._state[op][1])]

    def set_rate(self, op: str, rate: float) -> None:
        """The platform's current rate for this caller (Amazon's x-amzn-RateLimit-Limit)."""
        with self._lock:
            if rate > 0 and op in self._limits:
                self._refill(op)
                self._limits[op] = (rate, self._limits[op][1])

    def _refill(self, op: str) -> tuple[float, float]:
        rate, burst = self._limits[op]
        level, at = self._state[op]
        now = self.clock()
        if now > at:
            level, at = min(burst, level + (now - at) * rate), now
        self._state[op] = [level, at]
        return level, at
