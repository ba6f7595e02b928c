"""The leaky bucket of Shopify's GraphQL Admin API, on a clock tests can move.

Documented rules (shopify.dev "GraphQL Admin API rate limits"; help.shopify.com "Call limit"):
a bucket per app and store restores continuously at the plan's rate; before a query runs the
bucket must hold its *requested* cost, which is taken; after it ran, the difference between the
requested and the *actual* cost is given back. A single query may never cost more than 1,000
points, whatever the plan. Plans: Standard restores 100 points/s in the current docs (older
pages: a 1,000-point bucket restoring 50/s), Advanced 200, Plus 1,000, Enterprise 2,000."""

from __future__ import annotations

import threading
import time

MAX_QUERY_COST = 1000
STANDARD_BUCKET = 1000.0
STANDARD_RESTORE_RATE = 100.0


class EmulatorClock:
    """Monotonic time plus an offset that tests move forward. A client built with
    `sleep=clock.advance` waits in emulated seconds: throttling tests take no real time, and
    real time still counts, as it does for a remote shop. A `frozen` clock moves only when
    advanced (exact figures in tests of the emulator itself)."""

    def __init__(self, *, frozen: bool = False):
        self._offset, self._frozen = 0.0, frozen
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._offset if self._frozen else time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += max(0.0, seconds)


class LeakyBucket:
    def __init__(self, size: float, restore_rate: float, clock: EmulatorClock):
        self.size, self.restore_rate, self.clock = float(size), float(restore_rate), clock
        self._level, self._at = float(size), clock.now()

    def available(self) -> float:
        now = self.clock.now()
        self._level = min(self.size, self._level + (now - self._at) * self.restore_rate)
        self._at = now
        return self._level

    def take(self, points: float) -> bool:
        """Take the points if the bucket holds them; False (nothing taken) otherwise."""
        if points > self.available():
            return False
        self._level -= points
        return True

    def give_back(self, points: float) -> None:
        self._level = min(self.size, self.available() + points)

    def drain(self, to: float = 0.0) -> None:
        self.available()
        self._level = to

    def status(self) -> dict:
        return {"maximumAvailable": self.size, "currentlyAvailable": float(int(self.available())),
                "restoreRate": self.restore_rate}
