"""Several returns stations act on the same RMA at the same moment: one wins, every other is
told who won and when, and the money and stock show it happened once."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from oms_desktop.model import Actor, AuditEvent, Order, Refund, Return, Role
from oms_desktop.services.inventory import stock
from oms_desktop.services.returns.intake import finish_intake, receive_unit
from oms_desktop.services.returns.refunds import exchange, issue_refund
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from oms_desktop.storage import Database
from tests.factories import small_world
from tests.races.money_harness import one_winner, race
from tests.returns_fixtures import shipped_order

SUPERVISOR = Actor("sam", Role.supervisor, station="RETURNS-0")
RACES = [pytest.param("sqlite", 4, id="sqlite-4"), pytest.param("postgresql", 2, id="pg-2"),
         pytest.param("postgresql", 8, id="pg-8")]
AT = r"at \d\d:\d\d"


def _actor(station: int, role=Role.manager) -> Actor:
    return Actor(f"{role.value}-{station}", role, station=f"RETURNS-{station}")


# -- what each station does (module level: spawned processes import them) ---------------------
def _create(db: Database, station: int, order_id: int) -> str:
    return create_rma(db, actor=_actor(station), order=order_id,
                      lines=[RequestedLine("SKU-1", 1, "defective")]).rma_number


def _receive(db: Database, station: int, rma: str, seen) -> str:
    as_seen = {} if seen is None else {"seen": seen}  # the bench passes what it shows
    return receive_unit(db, actor=_actor(station, Role.packer), rma=rma, code="SKU-1",
                        condition="resellable", disposition="restock", location="WH1-A-02",
                        **as_seen).message


def _finish(db: Database, station: int, rma: str) -> str:
    return finish_intake(db, actor=_actor(station, Role.packer), rma=rma).status


def _refund(db: Database, station: int, rma: str) -> str:
    return str(issue_refund(db, actor=_actor(station), rma=rma, outside=True).amount)


def _exchange(db: Database, station: int, rma: str) -> str:
    return exchange(db, actor=_actor(station), rma=rma).replacement_number


# -- the world ---------------------------------------------------------------------------------
def _rma(db: Database, *, resolution="refund", received=False, inspected=False) -> tuple[int, str]:
    small_world(db)
    order_id = shipped_order(db, {"SKU-1": 1})
    rma = create_rma(db, actor=SUPERVISOR, order=order_id, resolution=resolution,
                     lines=[RequestedLine("SKU-1", 1, "defective")]).rma_number
    if received or inspected:
        receive_unit(db, actor=SUPERVISOR, rma=rma, code="SKU-1", condition="resellable",
                     disposition="restock", location="WH1-A-02")
    if inspected:
        finish_intake(db, actor=SUPERVISOR, rma=rma)
    return order_id, rma


def _count(db: Database, query) -> int:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def _refused_as(refusals, pattern: str) -> None:
    for r in refusals:
        assert re.fullmatch(pattern, r.text), r.text


@pytest.mark.parametrize("db_url, stations", RACES, indirect=["db_url"])
def test_the_last_returnable_unit_goes_on_one_rma(db_url, stations):
    db = Database(db_url)
    small_world(db)
    order_id = shipped_order(db, {"SKU-1": 1})

    winner, refusals = one_winner(race(db_url, stations, _create, order_id))

    assert _count(db, sa.select(Return.id)) == 1
    _refused_as(refusals, rf"SKU-1 on order #1000 is already on {winner.text} "
                          rf"\(authorised by manager-\d {AT}\)")
    db.dispose()


@pytest.mark.parametrize("seen", [0, None], ids=["as-seen-on-screen", "blind"])
@pytest.mark.parametrize("db_url, stations", RACES, indirect=["db_url"])
def test_the_one_unit_of_an_rma_is_received_once(db_url, stations, seen):
    db = Database(db_url)
    _, rma = _rma(db)

    winner, refusals = one_winner(race(db_url, stations, _receive, rma, seen))

    assert winner.text == "SKU-1: resellable, restock"
    _refused_as(refusals, rf"SKU-1 on {rma} was already received by packer-\d {AT}"
                          r" \(1 of 1\)")
    levels = {(r.sku, r.location): r.on_hand for r in stock.levels(db, sku="SKU-1")}
    assert levels[("SKU-1", "WH1-A-02")] == 1  # no phantom stock
    assert stock.reconcile(db) == []
    db.dispose()


@pytest.mark.parametrize("db_url, stations", RACES, indirect=["db_url"])
def test_an_intake_is_finished_once(db_url, stations):
    db = Database(db_url)
    _, rma = _rma(db, received=True)

    _, refusals = one_winner(race(db_url, stations, _finish, rma))

    _refused_as(refusals, rf"{rma} was inspected by packer-\d {AT}")
    assert _count(db, sa.select(AuditEvent.id).where(AuditEvent.action == "inspect")) == 1
    db.dispose()


@pytest.mark.parametrize("resolution, kind", [("refund", "refund"), ("credit", "store_credit")])
@pytest.mark.parametrize("db_url, stations", RACES, indirect=["db_url"])
def test_an_rma_is_refunded_once(db_url, stations, resolution, kind):
    db = Database(db_url)
    order_id, rma = _rma(db, resolution=resolution, inspected=True)

    winner, refusals = one_winner(race(db_url, stations, _refund, rma))

    assert Decimal(winner.text) == Decimal("52.00")
    _refused_as(refusals, rf"{rma} was refunded by manager-\d {AT}")
    with db.uow(readonly=True) as uow:
        assert uow.session.execute(sa.select(Refund.kind, Refund.amount)).all() == [
            (kind, Decimal("52.00"))]
        assert uow.session.get(Order, order_id).refunded_total == Decimal("52.00")
    db.dispose()


@pytest.mark.parametrize("db_url, stations", RACES, indirect=["db_url"])
def test_an_exchange_ships_one_replacement(db_url, stations):
    db = Database(db_url)
    _, rma = _rma(db, resolution="exchange", inspected=True)

    winner, refusals = one_winner(race(db_url, stations, _exchange, rma))

    _refused_as(refusals, rf"{rma} was closed by manager-\d {AT}")
    assert _count(db, sa.select(Order.id).where(Order.number == winner.text)) == 1
    assert _count(db, sa.select(Order.id)) == 2
    db.dispose()


def test_the_database_refuses_more_units_than_expected_and_refunds_above_the_total(db):
    order_id, _ = _rma(db, received=True)
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE return_lines SET received_qty = quantity + 1"))
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE orders SET refunded_total = total + 1 WHERE id = :id"),
                     {"id": order_id})
