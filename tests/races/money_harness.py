"""Stations racing for the same target: N spawned OS processes, each with its own Database on
the same URL, released together by a barrier. A small local helper for the returns and label
races; each station's outcome comes back as plain data.

`act` is a module-level function `act(db, station, *args) -> str` (spawned processes import
it by name): its return value is a success; an OmsError is a refusal with its message; any
other exception is an error, reported with its type so a test can say none happened."""

from __future__ import annotations

import multiprocessing as mp
import traceback
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    station: int
    kind: str  # "ok" | "refused" | "error"
    text: str


def _station(url: str, station: int, act, args, barrier, results) -> None:
    from oms_desktop import bootstrap
    from oms_desktop.errors import OmsError
    from oms_desktop.storage import Database

    bootstrap.start()
    db = Database(url)
    barrier.wait(timeout=120)
    try:
        outcome = Outcome(station, "ok", str(act(db, station, *args)))
    except OmsError as exc:
        outcome = Outcome(station, "refused", str(exc))
    except BaseException as exc:  # noqa: BLE001 - reported to the test, which fails on it
        outcome = Outcome(station, "error", f"{type(exc).__name__}: {exc}\n"
                                            + traceback.format_exc())
    finally:
        db.dispose()
    results.put(outcome)


def race(url: str, stations: int, act, *args) -> list[Outcome]:
    """Run `act` at `stations` workstations at the same moment; their outcomes by station."""
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(stations), ctx.Queue()
    workers = [ctx.Process(target=_station, args=(url, n, act, args, barrier, results))
               for n in range(stations)]
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=240) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    return sorted(outcomes, key=lambda o: o.station)


def stations_for(url: str) -> list[int]:
    """2 and 8 stations on PostgreSQL, 4 on SQLite (one writer at a time there)."""
    return [4] if url.startswith("sqlite") else [2, 8]


def one_winner(outcomes: list[Outcome]) -> tuple[Outcome, list[Outcome]]:
    """The single success and the refusals; fails the test on any error or second winner."""
    errors = [o.text for o in outcomes if o.kind == "error"]
    assert errors == [], errors[0]
    winners = [o for o in outcomes if o.kind == "ok"]
    assert len(winners) == 1, [o.text for o in winners]
    return winners[0], [o for o in outcomes if o.kind == "refused"]
