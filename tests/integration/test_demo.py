from datetime import date, timedelta

import sqlalchemy as sa

from oms_desktop.model import (
    Channel, Location, Order, OrderHold, OrderLine, Product, ProductBarcode, Reservation,
    Shipment, StockLevel, StockMove, User,
)
from oms_desktop.policies.barcodes import is_valid_gtin
from oms_desktop.services.inventory import stock
from oms_desktop.services.users.passwords import verify_secret
from oms_desktop.demo.seed import DEMO_PINS, seed_demo

TODAY = date(2026, 11, 27)


def seeded(db, *, orders=200, seed=5):
    return seed_demo(db, orders=orders, seed=seed, today=TODAY)


def snapshot(db) -> dict:
    """Everything but the PIN hashes (salted), in id order."""
    tables = [Order, OrderLine, OrderHold, Shipment, Reservation, StockMove, StockLevel,
              Product, ProductBarcode, Location, Channel]
    with db.engine.connect() as conn:
        return {t.__tablename__: conn.execute(sa.select(t).order_by(t.id)).all()
                for t in tables}


def scalar(db, query):
    with db.engine.connect() as conn:
        return conn.scalar(query)


def test_the_demo_has_orders_in_every_state_and_books_that_reconcile(db):
    summary = seeded(db)
    assert sum(summary.states.values()) == 200
    assert set(summary.states) == {"new", "verified", "on_hold", "in_fulfilment", "completed",
                                   "cancelled"}
    assert stock.reconcile(db) == []
    assert scalar(db, sa.select(sa.func.count()).select_from(Reservation)) > 0
    assert scalar(db, sa.select(sa.func.count()).select_from(StockMove)
                  .where(StockMove.reason == "shipment")) > 0


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(db, tmp_path):
    from oms_desktop.storage import Database
    from oms_desktop.storage.migrate import upgrade

    seeded(db, seed=11)
    twin = Database(f"sqlite:///{tmp_path / 'twin.sqlite3'}")
    other = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    for database, seed in ((twin, 11), (other, 12)):
        upgrade(database)
        seeded(database, seed=seed)
    try:
        assert snapshot(db) == snapshot(twin)
        assert snapshot(db)["orders"] != snapshot(other)["orders"]
    finally:
        twin.dispose()
        other.dispose()


def test_products_are_many_with_valid_gtins_and_some_kits(db):
    seeded(db)
    with db.engine.connect() as conn:
        codes = conn.scalars(sa.select(ProductBarcode.code)).all()
        assert conn.scalar(sa.select(sa.func.count()).select_from(Product)) >= 300
        assert conn.scalar(sa.select(sa.func.count()).where(Product.is_kit)) >= 5
    assert codes and all(is_valid_gtin(c) for c in codes)


def test_held_orders_carry_reasons_and_fulfilment_holds_stock(db):
    seeded(db)
    with db.engine.connect() as conn:
        held = conn.scalars(sa.select(Order.id).where(Order.status == "on_hold")).all()
        with_reason = conn.scalars(sa.select(OrderHold.order_id).distinct().where(
            OrderHold.released_at.is_(None))).all()
        assert set(held) == set(with_reason)
        reserved = conn.scalar(sa.select(sa.func.sum(StockLevel.reserved)))
        active = conn.scalar(sa.select(sa.func.sum(Reservation.quantity))
                             .where(Reservation.status == "active"))
        assert reserved == active > 0
        shipped = conn.scalars(sa.select(Shipment.status).distinct().join(Order).where(
            Order.status == "completed")).all()
        assert set(shipped) <= {"shipped", "delivered", "picked_up"}


def test_orders_are_international_due_around_today_and_some_are_collected(db):
    seeded(db)
    with db.engine.connect() as conn:
        countries = set(conn.scalars(sa.select(Order.ship_country).distinct()))
        names = conn.scalars(sa.select(Order.ship_name)).all()
        open_due = conn.scalars(sa.select(Order.ship_by).where(
            Order.status.in_(["new", "verified"]), Order.ship_by.is_not(None))).all()
        pickups = conn.scalar(sa.select(sa.func.count()).select_from(Order).join(
            Location, Location.id == Order.pickup_location_id).where(Location.kind == "store"))
    assert {"US", "DE", "FR", "JP"} <= countries
    assert any(not n.isascii() for n in names)
    assert min(open_due) <= TODAY < max(open_due) <= TODAY + timedelta(days=4)
    assert pickups > 0


def test_demo_users_sign_in_with_their_pins_and_a_second_seed_is_refused(db):
    import pytest

    from oms_desktop.errors import ValidationError

    seeded(db, orders=20)
    with db.engine.connect() as conn:
        users = dict(conn.execute(sa.select(User.username, User.password_hash)).all())
    assert set(users) == set(DEMO_PINS) == {"admin", "manager", "supervisor", "packer"}
    assert all(verify_secret(users[u], pin) for u, pin in DEMO_PINS.items())
    with pytest.raises(ValidationError, match="already"):
        seeded(db, orders=20)


def test_the_demo_command_prints_counts_per_state_and_the_pins(db_url, capsys):
    import json

    from oms_desktop.cli import main

    assert main(["demo", "--db", db_url, "--orders", "40", "--seed", "2", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert sum(printed["states"].values()) == printed["orders"] == 40
    assert printed["users"]["packer"] == "4444"
    assert main(["demo", "--db", db_url, "--orders", "40"]) == 1
    assert "already holds data" in capsys.readouterr().err


def test_the_demo_database_is_seeded_on_first_use_only(tmp_path, monkeypatch):
    from oms_desktop.demo.seed import DEFAULT_ORDERS, ensure_demo_database, order_states
    from oms_desktop.storage import Database

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = ensure_demo_database()
    assert url.startswith("sqlite:///" + str(tmp_path)) and url.endswith("demo.sqlite3")
    assert ensure_demo_database() == url
    db = Database(url)
    try:
        assert sum(order_states(db).values()) == DEFAULT_ORDERS
    finally:
        db.dispose()
