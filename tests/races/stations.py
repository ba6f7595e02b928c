"""Workstations as OS processes: a pool of spawned processes, each opening its own Database on
the URL of the test, released together by a barrier to call the same use case on the same
target. Every station reports what happened to it through a queue: the value it got, the
domain error (OmsError) it was refused with, or anything else (a defect) with its traceback."""

from __future__ import annotations

import multiprocessing as mp
import traceback
from dataclasses import dataclass
from threading import BrokenBarrierError
from typing import Any, Callable

from oms_desktop.values import Actor, Role

SIZES = (2, 4, 8)
TIMEOUT = 120


@dataclass(frozen=True)
class Outcome:
    station: int
    kind: str  # "ok" | "refused" (an OmsError) | "error" (anything else: a defect)
    value: Any = None
    error: str = ""  # the exception's class name
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


def station_actor(index: int) -> Actor:
    return Actor(f"station{index}", Role.admin, station=f"ST-{index}")


def _run(act: Callable, url: str, ctx: dict, index: int, barrier) -> Outcome:
    from oms_desktop.errors import OmsError
    from oms_desktop.storage import Database

    db = Database(url)
    try:
        db.check()  # connected before the barrier: every station starts at the same instant
        barrier.wait(timeout=60)
        try:
            return Outcome(index, "ok", act(db, ctx, index))
        except OmsError as exc:
            return Outcome(index, "refused", error=type(exc).__name__, message=str(exc))
        except Exception as exc:  # noqa: BLE001 - a defect, reported with its traceback
            return Outcome(index, "error", error=type(exc).__name__,
                           message=traceback.format_exc())
    except BrokenBarrierError:
        barrier.reset()
        return Outcome(index, "error", error="BrokenBarrierError", message="barrier broken")
    finally:
        db.dispose()


def _station(index: int, inbox, outbox, barriers: dict) -> None:
    from oms_desktop import bootstrap

    bootstrap.start()
    while (task := inbox.get()) is not None:
        act, url, ctx, size = task
        outbox.put(_run(act, url, ctx, index, barriers[size]))


class Stations:
    """Up to max(SIZES) station processes, started once and reused by every race."""

    def __init__(self) -> None:
        self._ctx = mp.get_context("spawn")
        self._barriers = {n: self._ctx.Barrier(n) for n in SIZES}
        self._outbox = self._ctx.Queue()
        self._inboxes = [self._ctx.Queue() for _ in range(max(SIZES))]
        self._processes = [self._ctx.Process(target=_station, daemon=True,
                                             args=(i, q, self._outbox, self._barriers))
                           for i, q in enumerate(self._inboxes)]
        for p in self._processes:
            p.start()

    def race(self, act: Callable, url: str, ctx: dict, size: int) -> list[Outcome]:
        """`size` stations call `act(db, ctx, station)` at the same moment."""
        for inbox in self._inboxes[:size]:
            inbox.put((act, url, ctx, size))
        outcomes = [self._outbox.get(timeout=TIMEOUT) for _ in range(size)]
        return sorted(outcomes, key=lambda o: o.station)

    def close(self) -> None:
        for inbox in self._inboxes:
            inbox.put(None)
        for p in self._processes:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
