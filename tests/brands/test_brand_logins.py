"""On PostgreSQL with each person's own login: a franchise store's login cannot see another
store's orders by any route (the services the screens call, the command line, SQL typed into
a tool), and transfers go between two franchise logins through row-level security, each
confirming its own side and seeing the stock in transit between them."""

from __future__ import annotations

import json

import psycopg
import pytest
import sqlalchemy as sa

from oms_desktop.cli import main
from oms_desktop.errors import NotFound, PermissionDenied
from oms_desktop.model import Channel, Order
from oms_desktop.services.inventory import stock, transfers
from oms_desktop.services.orders import queue
from oms_desktop.services.orders.queue import QueueFilter
from oms_desktop.services.users import accounts, identity
from tests.brands.world import franchise_world
from tests.pg_roles import people_database


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    folder = tmp_path_factory.mktemp("logos")
    with people_database(lambda db: franchise_world(db, folder)) as made:
        admin = identity.whoami(made.owner)
        for who, role, places in (("fran_a", "packer", ["CORK-A"]),
                                  ("fran_b", "supervisor", ["CORK-B"]),
                                  ("boss", "manager", ["CORK"])):
            made.add(who, role)
            accounts.set_sites(made.owner, actor=admin, user_id=made.actor(who).user_id,
                               locations=places)
        yield made


def numbers_of(db, channels: tuple[str, ...]) -> set[str]:
    with db.engine.connect() as conn:
        return set(conn.scalars(sa.select(Order.number).join(Channel).where(
            Channel.code.in_(channels))))


def test_a_franchise_login_sees_its_stores_orders_in_sql_and_no_other(people):
    with people.sql("fran_a") as conn:
        seen = {r[0] for r in conn.execute("SELECT number FROM orders")}
        assert conn.execute("SELECT count(*) FROM orders WHERE number = 'TILL-B-1'"
                            ).fetchone()[0] == 0
        assert conn.execute("UPDATE orders SET notes = 'x' WHERE number = 'TILL-B-1'"
                            ).rowcount == 0
    assert seen == numbers_of(people.owner, ("TILL-A", "WEB-CORK"))
    with people.sql("boss") as conn:
        assert {r[0] for r in conn.execute("SELECT number FROM orders")} == numbers_of(
            people.owner, ("TILL-A", "TILL-B", "WEB-CORK"))


def test_the_services_the_screens_call_show_the_same(people):
    db = people.db("fran_a")
    rows = queue.fetch_page(db, QueueFilter(), limit=100, actor=people.actor("fran_a")).rows
    assert {r.number for r in rows} == numbers_of(people.owner, ("TILL-A", "WEB-CORK"))
    # even a program that forgets to pass the person gets only what the login may see
    assert queue.count(db, QueueFilter()) == 6
    assert {r.location for r in stock.levels(db)} == {"CORK-A-R1"}


def test_the_command_line_with_the_franchise_login_shows_and_finds_only_its_orders(
        people, capsys):
    assert main(["orders", "list", "--db", people.url("fran_a"), "--json"]) == 0
    listed = {o["number"] for o in json.loads(capsys.readouterr().out)}
    assert listed == numbers_of(people.owner, ("TILL-A", "WEB-CORK"))
    assert main(["orders", "show", "TILL-B-1", "--db", people.url("fran_a")]) == 1
    assert "No order 'TILL-B-1'" in capsys.readouterr().err
    assert main(["orders", "dashboard", "--db", people.url("fran_a"), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert sum(n for status, n in figures["by_status"]) == 6


def test_a_transfer_between_two_franchise_logins_each_confirming_its_side(people):
    a, b = people.actor("fran_a"), people.actor("fran_b")
    t = transfers.propose(people.db("fran_b"), actor=b, from_site="CORK-A", to_site="CORK-B",
                          lines=[("MUG", 4)])
    with pytest.raises(PermissionDenied):
        transfers.dispatch(people.db("fran_b"), actor=b, transfer=t.id)
    transfers.dispatch(people.db("fran_a"), actor=a, transfer=t.id)
    # both sides see the units in transit; a third store does not
    assert ("TRANSIT-CORK-A-CORK-B", 4) in {(r.location, r.on_hand)
                                            for r in stock.levels(people.db("fran_b"))}
    with people.sql("fran_b") as conn:
        moved = conn.execute("SELECT count(*) FROM stock_moves WHERE reference = %s",
                             (t.label,)).fetchone()[0]
    assert moved == 1
    done = transfers.receive(people.db("fran_b"), actor=b, transfer=t.id)
    assert (done.status, done.received_by) == ("received", people.names["fran_b"])
    assert stock.reconcile(people.owner) == []
    with people.sql("fran_a") as conn:
        assert conn.execute("SELECT count(*) FROM stock_levels WHERE site_id = "
                            "(SELECT id FROM locations WHERE code = 'CORK-B')").fetchone()[0] \
            == 0


def test_a_franchise_login_cannot_write_a_transfer_or_stock_of_other_stores(people):
    with pytest.raises(PermissionDenied):
        transfers.propose(people.db("fran_a"), actor=people.actor("fran_a"),
                          from_site="CORK-B", to_site="CLAY-1", lines=[("MUG", 1)])
    with people.sql("fran_a") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO stock_transfers (from_site_id, to_site_id, "
                     "transit_location_id, status, proposed_by, proposed_at, version) "
                     "SELECT b.id, c.id, c.id, 'proposed', 'me', now(), 1 FROM locations b, "
                     "locations c WHERE b.code = 'CORK-B' AND c.code = 'CLAY-1'")
    with pytest.raises(NotFound):
        transfers.get_transfer(people.db("fran_a"), actor=people.actor("fran_a"),
                               transfer=99999)


def test_a_brand_managers_login_keeps_its_own_brand_and_no_other(people):
    from oms_desktop.services.brands import profiles

    boss = people.actor("boss")
    changed = profiles.update_brand(people.db("boss"), actor=boss, code="CORK",
                                    phone="+353 21 000 0000")
    assert changed.phone == "+353 21 000 0000"
    with pytest.raises(PermissionDenied):
        profiles.update_brand(people.db("boss"), actor=boss, code="CLAY", sender_name="Mine")
    with people.sql("boss") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE brands SET sender_name = 'Mine' WHERE code = 'CLAY'")
    with people.sql("fran_b") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE brands SET sender_name = 'Mine' WHERE code = 'CORK'")
    assert profiles.get_brand(people.owner, "CLAY").sender_name == "Clay Studio"
