"""Waiting between tries of a remote call. The server's own figure wins when it gives one
(Retry-After, the restore rate of Shopify's cost bucket); otherwise the wait grows
exponentially. Either way a little randomness is added, so that several workstations throttled
together do not all come back in the same instant. `Patience` is what one call may spend
waiting for a rate limit before it gives up with RateLimited."""

from __future__ import annotations

import random
from typing import Callable

from oms_desktop.plugins.errors import RateLimited

Random = Callable[[], float]


def exponential(attempt: int, *, first: float, cap: float, rand: Random = random.random) -> float:
    """The wait before try `attempt + 1`: `first`, doubling, at most `cap`, half of it fixed
    and half random ("equal jitter"), so waits keep growing and never shrink to nothing."""
    step = min(cap, first * 2 ** (attempt - 1))
    return step / 2 + step / 2 * rand()


def spread(seconds: float, *, share: float = 0.03, rand: Random = random.random) -> float:
    """A wait the server dictated, plus up to `share` of it: never less than asked."""
    return seconds * (1 + share * rand())


class Patience:
    """One call's allowance for rate limits: at most `seconds` of waiting in all, or, for
    plugins that give up by count (a label purchase at a pack station), `answers` rate-limited
    answers and no single wait above `longest`."""

    def __init__(self, title: str, *, seconds: float | None = None, answers: int | None = None,
                 longest: float = 60.0):
        self.title, self.seconds, self.answers, self.longest = title, seconds, answers, longest
        self.spent, self.seen = 0.0, 0

    def spend(self, wait: float, *, retry_after: float | None = None) -> float:
        """Account for one rate-limited answer and the wait it calls for; RateLimited when
        the call has waited long enough (the error carries the server's figure)."""
        self.seen += 1
        if self._exhausted(wait):
            raise RateLimited(f"{self.title} is rate limiting us; try again in "
                              f"{max(1, round(wait))} s",
                              retry_after=retry_after)
        self.spent += wait
        return wait

    def _exhausted(self, wait: float) -> bool:
        if self.seconds is not None:
            return self.spent + wait > self.seconds
        return self.seen >= (self.answers or 1) or wait > self.longest
