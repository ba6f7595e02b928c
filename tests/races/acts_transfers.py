"""What each station does in the transfer races (module-level: spawned processes import it)."""

from __future__ import annotations

from oms_desktop.services.inventory import transfers
from tests.races.stations import station_actor


def dispatch(db, ctx: dict, index: int) -> str:
    return transfers.dispatch(db, actor=station_actor(index), transfer=ctx["transfer"]).status


def receive(db, ctx: dict, index: int) -> str:
    return transfers.receive(db, actor=station_actor(index), transfer=ctx["transfer"]).status


def dispatch_own(db, ctx: dict, index: int) -> str:
    """Each station dispatches a transfer of its own, all wanting the same last units."""
    return transfers.dispatch(db, actor=station_actor(index),
                              transfer=ctx["transfers"][index]).status


def cancel_or_dispatch(db, ctx: dict, index: int) -> str:
    verb = transfers.cancel if index % 2 else transfers.dispatch
    return verb(db, actor=station_actor(index), transfer=ctx["transfer"]).status
