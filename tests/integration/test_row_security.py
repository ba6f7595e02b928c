"""Row-level security on PostgreSQL: a franchise's login, limited to its brand, sees and writes
only the orders, stock and returns of that brand's sites, through the services as in SQL."""

from datetime import date

import psycopg
import pytest
import sqlalchemy as sa

from oms_desktop.demo.seed import seed_demo
from oms_desktop.errors import PermissionDenied
from oms_desktop.model import (
    Actor, Location, Order, OrderStatus, Return, Role, StockLevel, channel_locations,
)
from oms_desktop.services.inventory import stock
from oms_desktop.services.orders import queue
from oms_desktop.services.orders.queue import QueueFilter
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from oms_desktop.services.users import accounts, identity
from oms_desktop.values import SYSTEM
from tests.pg_roles import people_database

BRAND = "BR2"  # the EU brand: WH2 (Leipzig) and ST2 (London)


def build(db):
    seed_demo(db, orders=160, seed=5, today=date(2026, 11, 27))
    for order_id in completed_orders(db)[:12]:
        line = order_lines(db, order_id)[0]
        create_rma(db, actor=SYSTEM, order=order_id, lines=[RequestedLine(line, 1, "defective")])


def completed_orders(db) -> list[int]:
    with db.engine.connect() as conn:
        return list(conn.scalars(sa.select(Order.id).where(Order.status == OrderStatus.completed)
                                 .order_by(Order.id)))


def order_lines(db, order_id: int) -> list[str]:
    from oms_desktop.model import OrderLine
    with db.engine.connect() as conn:
        return list(conn.scalars(sa.select(OrderLine.sku).where(OrderLine.order_id == order_id)))


@pytest.fixture(scope="module")
def people():
    with people_database(build) as made:
        made.add("franchise", "supervisor")
        admin = identity.whoami(made.owner)
        accounts.set_sites(made.owner, actor=admin, user_id=made.actor("franchise").user_id,
                           locations=[BRAND])
        yield made


def brand_sites(db) -> set[int]:
    with db.engine.connect() as conn:
        brand = conn.scalar(sa.select(Location.id).where(Location.code == BRAND))
        return set(conn.scalars(sa.select(Location.id).where(Location.parent_id == brand)))


def expected_orders(db) -> set[int]:
    """What the brand's sites sell (their channels) or hand over (pickups)."""
    sites = brand_sites(db)
    with db.engine.connect() as conn:
        channels = set(conn.scalars(sa.select(channel_locations.c.channel_id)
                                    .where(channel_locations.c.location_id.in_(sites))))
        return set(conn.scalars(sa.select(Order.id).where(sa.or_(
            Order.channel_id.in_(channels), Order.pickup_location_id.in_(sites),
            Order.preferred_location_id.in_(sites)))))


def test_a_franchise_sees_only_its_brands_orders_through_the_queue(people):
    franchise = people.db("franchise")
    seen = {row.id for row in queue.fetch_page(franchise, QueueFilter(), limit=1000).rows}
    everything = {row.id for row in queue.fetch_page(people.owner, QueueFilter(),
                                                      limit=1000).rows}
    assert seen == expected_orders(people.owner) and seen < everything
    assert queue.count(franchise, QueueFilter()) == len(seen)


def test_a_franchise_sees_only_stock_at_its_own_sites(people):
    rows = stock.levels(people.db("franchise"))
    with people.owner.engine.connect() as conn:
        sites = dict(conn.execute(sa.select(Location.code, Location.site_id)).all())
    assert rows and {sites[r.location] for r in rows} <= brand_sites(people.owner)
    assert len(stock.levels(people.owner)) > len(rows)


def test_a_franchise_sees_only_returns_to_its_sites_or_of_its_orders(people):
    with people.sql("franchise") as conn:
        seen = {r[0] for r in conn.execute("SELECT id FROM returns")}
    with people.owner.engine.connect() as conn:
        every = conn.execute(sa.select(Return.id, Return.location_id, Return.order_id)).all()
    mine = {r.id for r in every if r.location_id in brand_sites(people.owner)
            or r.order_id in expected_orders(people.owner)}
    assert seen == mine and 0 < len(seen) < len(every)


def test_a_franchise_cannot_write_stock_at_another_brands_site(people):
    with people.owner.engine.connect() as conn:
        elsewhere = conn.scalar(sa.select(Location.code).join(
            StockLevel, StockLevel.location_id == Location.id).where(
            StockLevel.site_id.not_in(brand_sites(people.owner))).limit(1))
    franchise = people.db("franchise")
    with pytest.raises(PermissionDenied, match="not one of their sites"):  # the program says so
        stock.receive(franchise, actor=people.actor("franchise"), sku=first_sku(people),
                      location=elsewhere, quantity=5)
    # and a program that builds an Actor of its own (no user: no scope) meets the database
    forged = Actor(people.names["franchise"], Role.supervisor, station="PACK-1")
    with pytest.raises(PermissionDenied, match="row-level security"):
        stock.receive(franchise, actor=forged, sku=first_sku(people), location=elsewhere,
                      quantity=5)
    with people.sql("franchise") as conn:
        changed = conn.execute("UPDATE stock_levels SET reserved = reserved WHERE NOT site_id = "
                               f"ANY(ARRAY{sorted(brand_sites(people.owner))})").rowcount
    assert changed == 0


def first_sku(people) -> str:
    from oms_desktop.model import Product
    with people.owner.engine.connect() as conn:
        return conn.scalar(sa.select(Product.sku).where(Product.is_kit.is_(False)).limit(1))


def test_a_login_without_sites_sees_everything(people):
    with people.sql("packer") as conn:
        orders = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    with people.owner.engine.connect() as conn:
        assert orders == conn.scalar(sa.select(sa.func.count()).select_from(Order))


def test_nobody_can_widen_their_sites_with_a_temporary_table(people):
    with people.sql("franchise") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TEMP TABLE user_sites (user_id int, location_id int)")
