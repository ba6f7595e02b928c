"""A token bucket on an emulator clock: `burst` tokens at most, refilled at `rate` a second,
one taken per request (Amazon's and Etsy's published model)."""

from __future__ import annotations

from tests.connectors.shopify_throttle import EmulatorClock


class TokenBucket:
    def __init__(self, rate: float, burst: float, clock: EmulatorClock):
        self.rate, self.burst, self.clock = float(rate), float(burst), clock
        self._level, self._at = float(burst), clock.now()

    def level(self) -> float:
        now = self.clock.now()
        self._level = min(self.burst, self._level + (now - self._at) * self.rate)
        self._at = now
        return self._level

    def take(self) -> bool:
        if self.level() < 1:
            return False
        self._level -= 1
        return True

    def drain(self) -> None:
        self.level()
        self._level = 0.0
