"""What every race must end with: one winner, every other station refused with the domain
error naming the winner, and the books that say nothing happened twice."""

from __future__ import annotations

import sqlalchemy as sa

from oms_desktop.model import AuditEvent
from oms_desktop.services.inventory import stock
from tests.races.stations import Outcome

CONFLICT = "ConcurrentChange"


def show(outcomes: list[Outcome]) -> str:
    return "\n".join(f"station{o.station}: {o.kind} {o.error} {o.message or o.value}"
                     for o in outcomes)


def no_defects(outcomes: list[Outcome]) -> None:
    assert [o for o in outcomes if o.kind == "error"] == [], show(outcomes)


def one_winner(outcomes: list[Outcome], *, says: str) -> Outcome:
    """Exactly one station succeeded; each other one got ConcurrentChange saying
    "<says> by station<winner>"."""
    no_defects(outcomes)
    winners = [o for o in outcomes if o.ok]
    assert len(winners) == 1, show(outcomes)
    [winner] = winners
    for o in outcomes:
        if o is not winner:
            assert (o.error, True) == (CONFLICT, f"{says} by station{winner.station}"
                                       in o.message), show(outcomes)
    return winner


def one_winner_each(outcomes: list[Outcome], keys, *, says: str) -> None:
    """Bulk use cases return [(key, ok, message)]: per key of `keys`, one station succeeded
    and the others were refused naming it."""
    no_defects(outcomes)
    per_key = {k: [] for k in keys}
    for o in outcomes:
        for key, ok, message in o.value:
            if key in per_key:
                per_key[key].append((o.station, ok, message))
    for key, rows in per_key.items():
        winners = [station for station, ok, _ in rows if ok]
        assert len(winners) == 1, (key, rows)
        for station, ok, message in rows:
            if not ok:
                assert f"{says} by station{winners[0]}" in message, (key, rows)


def transitions(db, entity: str, entity_id: int, action: str) -> int:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity == entity, AuditEvent.entity_id == entity_id,
            AuditEvent.action == action))


def books_balance(db) -> None:
    assert stock.reconcile(db) == []
