from datetime import date, datetime, timedelta, timezone

import pytest

from oms_desktop.model import (
    Actor, AuditEvent, Channel, Order, OrderStatus, Return, Role,
)
from oms_desktop.services.orders.dashboard import dashboard

UTC = timezone.utc
NOW = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
MANAGER = Actor("meg", Role.manager)


def _order(s, channel, n, status, ship_by=None):
    order = Order(number=f"#{n}", channel=channel, external_id=str(n), status=status,
                  ship_by=ship_by)
    s.add(order)
    return order


def _event(s, order, who, action, at):
    s.add(AuditEvent(entity="shipment", entity_id=order.id, order_id=order.id, action=action,
                     actor_name=who, at=at))


def build_floor(db, *, now, first_event, step=timedelta(hours=1)):
    """Orders of each status (some late against `now`), four shipments packed by two packers
    `step` apart from `first_event` and shipped by a third, one older pack, one return."""
    with db.uow() as uow:
        s = uow.session
        web = Channel(code="WEB", name="Web", kind="manual")
        today, yesterday = now.date(), now.date() - timedelta(days=1)
        for n, (status, ship_by) in enumerate([
                (OrderStatus.new, yesterday), (OrderStatus.new, today),
                (OrderStatus.verified, yesterday), (OrderStatus.on_hold, None),
                (OrderStatus.in_fulfilment, today), (OrderStatus.completed, yesterday),
                (OrderStatus.cancelled, yesterday)]):
            _order(s, web, n, status, ship_by)
        shipped = [_order(s, web, 100 + i, OrderStatus.completed) for i in range(4)]
        s.flush()
        for i, order in enumerate(shipped):
            who = "pat" if i < 3 else "kim"
            _event(s, order, who, "pack", first_event + i * step)
            _event(s, order, "sue", "ship", first_event + i * step + step / 2)
        _event(s, shipped[0], "pat", "pack", now - timedelta(days=1))
        s.add(Return(rma_number="RMA-1", order_id=shipped[0].id, created_at=now))
        uow.commit()
    return db


@pytest.fixture
def floor(db):
    return build_floor(db, now=NOW, first_event=NOW.replace(hour=9, minute=5))


def test_orders_are_counted_by_status_and_late_against_ship_by(floor):
    board = dashboard(floor, actor=MANAGER, now=NOW, tz=UTC)
    assert dict(board.by_status) == {"new": 2, "verified": 1, "on_hold": 1,
                                     "in_fulfilment": 1, "completed": 5, "cancelled": 1}
    assert (board.late, board.due_today, board.open_orders) == (2, 2, 5)


def test_today_counts_packs_and_ships_per_hour_and_per_packer(floor):
    board = dashboard(floor, actor=MANAGER, now=NOW, tz=UTC)
    assert (board.packed_today, board.shipped_today) == (4, 4)
    assert [(p.name, p.packed, p.shipped) for p in board.per_packer] == [
        ("pat", 3, 0), ("kim", 1, 0), ("sue", 0, 4)]
    assert len(board.per_hour) == 12 and board.per_hour[-1].label == "15:00"
    busy = {h.label: (h.packed, h.shipped) for h in board.per_hour if h.packed or h.shipped}
    assert busy == {"09:00": (1, 1), "10:00": (1, 1), "11:00": (1, 1), "12:00": (1, 1)}


def test_the_returns_rate_is_returns_per_order_shipped_in_30_days(floor):
    board = dashboard(floor, actor=MANAGER, now=NOW, tz=UTC)
    assert (board.returns_30d, board.shipped_orders_30d) == (1, 4)
    assert board.returns_rate == pytest.approx(0.25)


def test_an_empty_database_has_a_dashboard_of_zeros(db):
    board = dashboard(db, actor=MANAGER, now=NOW, tz=UTC)
    assert board.open_orders == 0 and board.returns_rate is None and board.per_packer == ()


def test_the_clock_and_local_time_are_the_default(floor):
    board = dashboard(floor, actor=MANAGER)
    assert board.as_of.tzinfo is not None and board.as_of.date() >= date(2026, 11, 27)
