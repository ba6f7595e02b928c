"""On PostgreSQL the database is the boundary: with only a packer's own login nobody can refund,
cancel, adjust stock, change settings or users, or read the PIN hashes, whether they type SQL,
call the services with an Actor they built, or use the command line. The packer's own work
still goes through."""

from decimal import Decimal

import psycopg
import pytest
import sqlalchemy as sa

from oms_desktop.errors import PermissionDenied
from oms_desktop.model import (
    Actor, AuditEvent, Refund, Role, ScanEvent, StockLevel, StockMove, User,
)
from oms_desktop.services import settings
from oms_desktop.services.floor import packing, picking
from oms_desktop.services.inventory import counting
from oms_desktop.services.inventory import stock
from oms_desktop.services.orders import pipeline
from oms_desktop.services.returns import refunds
from oms_desktop.services.returns.intake import finish_intake, receive_unit
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from oms_desktop.services.shipping import labels as shipping
from oms_desktop.services.users import accounts, signin
from oms_desktop.services.users.approval import approval
from oms_desktop.values import SYSTEM
from tests.carriers.world import pack_order, shipping_world, web_order
from tests.floor_fixtures import assigned_shipment
from tests.pg_roles import PASSWORD, PINS, people_database
from tests.returns_fixtures import PRICES, ship_everything

FORGED_ADMIN = Actor("mallory", Role.admin, station="PACK-1")
MUG = "4006381333931"


def build(db):
    shipping_world(db)
    settings.write(db, actor=SYSTEM, key="returns.approval_limit", value="100")
    web_order(db, number="SQL-1")


@pytest.fixture(scope="module")
def people():
    with people_database(build) as made:
        yield made


def inspected_return(people, units: int) -> str:
    """A shipped order of `units` mugs (40.00 each), returned and inspected (as the owner)."""
    owner = people.owner
    order_id = web_order(owner, number=f"R{units}-{len(people.dbs)}-{id(object())}")
    with owner.uow() as uow:
        from oms_desktop.model import Order, OrderLine
        order = uow.session.get(Order, order_id)
        for line in order.lines:
            line.unit_price, line.quantity = PRICES["SKU-1"], units if line.sku == "SKU-1" else 0
        order.lines = [l for l in order.lines if l.quantity]
        order.total = order.subtotal = PRICES["SKU-1"] * units  # paid: what a refund may give back
        order.shipping_total = order.tax_total = 0
        order.verify(by=SYSTEM)
        uow.commit()
    ship_everything(owner, order_id)
    rma = create_rma(owner, actor=SYSTEM, order=order_id,
                     lines=[RequestedLine("SKU-1", units, "defective")]).rma_number
    for _ in range(units):
        receive_unit(owner, actor=SYSTEM, rma=rma, code="SKU-1", condition="defective",
                     disposition="quarantine", location="WH1")
    finish_intake(owner, actor=SYSTEM, rma=rma)
    return rma


def refused(conn: psycopg.Connection, statement: str) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
        conn.execute(statement)
    return str(caught.value)


# -- straight SQL over the packer's own connection -----------------------------------------

@pytest.mark.parametrize("statement", [
    "INSERT INTO refunds (order_id, status, currency, items_amount, tax_amount, "
    "shipping_amount, restocking_fee, amount, kind, created_by, created_at) VALUES "
    "(1, 'issued_outside', 'USD', 496.06, 0, 0, 0, 496.06, 'refund', 'x', now())",
    "INSERT INTO settings (key, value, updated_at) VALUES ('lock.idle_minutes', '0', now())",
    "UPDATE users SET role = 'admin'",
    "SELECT password_hash FROM users",
    "SELECT * FROM users",
    "INSERT INTO users (username, display_name, role, active, created_at, failed_attempts) "
    "VALUES ('eve', 'Eve', 'admin', true, now(), 0)",
    "UPDATE products SET price = 0.01",
    "INSERT INTO stock_moves (product_id, from_location_id, to_location_id, quantity, reason,"
    " at, actor_name) SELECT 1, id, id, 5, 'adjustment', now(), 'x' FROM locations LIMIT 1",
    "UPDATE orders SET status = 'cancelled'",
    "UPDATE audit_events SET actor_name = 'someone'",
    "DELETE FROM audit_events",
    "DELETE FROM stock_moves",
    "UPDATE channels SET settings = '{}'",
    "INSERT INTO user_sites (user_id, location_id) VALUES (1, 1)",
])
def test_a_packers_login_is_refused_forbidden_writes_and_reads_in_sql(people, statement):
    with people.sql("packer") as conn:
        assert "denied" in refused(conn, statement) or "violates" in refused(conn, statement)


def test_a_packer_cannot_change_on_hand_without_a_ledger_move(people):
    with people.sql("packer") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only a supervisor"):
            conn.execute("UPDATE stock_levels SET on_hand = on_hand + 100")


def test_a_packer_can_neither_change_nor_delete_a_shared_setting_over_sql(people):
    settings.write(people.owner, actor=SYSTEM, key="lock.idle_minutes", value=10)
    with people.sql("packer") as conn:
        refused(conn, "UPDATE settings SET value = '0' WHERE key = 'lock.idle_minutes'")
        assert conn.execute("DELETE FROM settings WHERE key = 'lock.idle_minutes'").rowcount == 0
    assert settings.read(people.owner, "lock.idle_minutes") == 10


def test_a_packer_sees_only_their_own_pin_hash_and_nobody_elses(people):
    with people.sql("packer") as conn:
        own = conn.execute("SELECT oms_own_secret_hash()").fetchone()[0]
        assert own.startswith("$argon2id$")
        rows = conn.execute("UPDATE users SET password_hash = 'x' WHERE username <> "
                            "current_user").rowcount
    assert rows == 0


def test_an_audit_row_names_the_login_whatever_the_inserter_wrote(people):
    with people.sql("packer") as conn:
        conn.execute("INSERT INTO audit_events (at, entity, action, actor_name, station) "
                     "VALUES (now(), 'note', 'forged', 'manager', 'PACK-1')")
    with people.owner.engine.connect() as conn:
        name = conn.scalar(sa.select(AuditEvent.actor_name).where(AuditEvent.action == "forged"))
    assert name == people.names["packer"]


# -- the services, with an Actor built by the caller -----------------------------------------

def test_a_forged_admin_actor_at_a_packers_station_cannot_refund_a_large_return(people):
    rma = inspected_return(people, 12)  # 496.06 with tax, over any limit
    with pytest.raises(PermissionDenied, match="database login.*permission denied"):
        refunds.issue_refund(people.db("packer"), actor=FORGED_ADMIN, rma=rma, outside=True)
    with people.owner.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(Refund)) == 0


@pytest.mark.parametrize("action", ["cancel", "adjust", "setting", "promote", "add_user"])
def test_a_forged_admin_actor_is_refused_every_forbidden_change(people, action):
    db = people.db("packer")
    calls = {
        "cancel": lambda: pipeline.cancel_order(db, actor=FORGED_ADMIN, order_id=web_order(
            people.owner, number=f"C-{action}")),
        "adjust": lambda: stock.adjust(db, actor=FORGED_ADMIN, sku="SKU-1",
                                       location="WH1-A-01", delta=50, reason_code="found"),
        "setting": lambda: settings.write(db, actor=FORGED_ADMIN, key="lock.idle_minutes",
                                          value=0),
        "promote": lambda: accounts.update_user(db, actor=FORGED_ADMIN,
                                                user_id=people.actor("packer").user_id,
                                                role="admin"),
        "add_user": lambda: accounts.create_user(db, actor=FORGED_ADMIN, username="eve",
                                                 display_name="Eve", role="admin",
                                                 secret="0000", password=PASSWORD),
    }
    with pytest.raises(PermissionDenied, match="Not allowed for your database login"):
        calls[action]()
    assert people.actor("packer").role == Role.packer


# -- the packer's own day ---------------------------------------------------------------------

def test_the_packers_day_goes_through_their_own_login_and_names_them(people):
    db, packer = people.db("packer"), people.actor("packer")
    _, sid = assigned_shipment(people.owner, {"SKU-1": 2}, bins={"SKU-1": "WH1-A-01"},
                               number="DAY-1")
    before = last_ids(people.owner)
    stock.receive(db, actor=packer, sku="SKU-1", location="WH1-A-01", quantity=10)
    stock.move(db, actor=packer, sku="SKU-1", source="WH1-A-01", target="WH1-A-03", quantity=2)
    packing.open_shipment(db, actor=packer, value=f"SHP-{sid}")
    for _ in range(2):
        assert packing.scan_item(db, actor=packer, shipment_id=sid, value=MUG).ok
    packing.complete(db, actor=packer, shipment_id=sid, weight_g=800)
    label = shipping.create_label(db, actor=packer, shipment_id=sid, fmt="zpl")
    assert label.tracking_number
    accounts.put_preference(db, actor=packer, name="orders.views", value={"Mine": {}})
    assert accounts.get_preference(db, actor=packer, name="orders.views") == {"Mine": {}}
    names = names_since(people.owner, before)
    assert len(names) >= 7 and set(names) == {people.names["packer"]}


def test_picking_counting_and_the_returns_bench_go_through_the_packers_login_too(people):
    db, packer = people.db("packer"), people.actor("packer")
    _, sid = assigned_shipment(people.owner, {"SKU-2": 2}, bins={"SKU-2": "WH1-A-02"},
                               number="PICK-1")
    rma = create_rma(people.owner, actor=SYSTEM, order=inspected_return_order(people),
                     lines=[RequestedLine("SKU-1", 1, "too_small")]).rma_number
    before = last_ids(people.owner)

    pick_list = picking.create_for_shipments(db, actor=packer, shipment_ids=[sid])
    for value in ("WH1-A-02", "SKU-2", "SKU-2"):
        assert picking.scan(db, actor=packer, pick_list_id=pick_list.id, value=value).ok
    count = counting.start_count(db, actor=packer, bins=["WH1-A-03"])
    counting.set_counted(db, actor=packer, count_id=count.id, bin="WH1-A-03", code="SKU-1",
                         quantity=99)  # a variance whatever the other tests left there
    receive_unit(db, actor=packer, rma=rma, code="SKU-1", condition="resellable",
                 disposition="restock", location="WH1")
    finish_intake(db, actor=packer, rma=rma)
    with pytest.raises(PermissionDenied):  # posting a count's variance is an adjustment
        counting.approve(db, actor=Actor(packer.name, Role.supervisor), count_id=count.id)
    counting.approve(people.db("supervisor"), actor=people.actor("supervisor"),
                     count_id=count.id)

    names = names_since(people.owner, before)
    assert set(names) == {people.names["packer"], people.names["supervisor"]}


def inspected_return_order(people) -> int:
    order_id = web_order(people.owner, number=f"BENCH-{len(people.names)}")
    with people.owner.uow() as uow:
        from oms_desktop.model import Order
        uow.session.get(Order, order_id).verify(by=SYSTEM)
        uow.commit()
    ship_everything(people.owner, order_id)
    return order_id


WHO = [AuditEvent, StockMove, ScanEvent]  # every table that records a person


def last_ids(db) -> dict:
    with db.engine.connect() as conn:
        return {t: conn.scalar(sa.select(sa.func.coalesce(sa.func.max(t.id), 0))) for t in WHO}


def names_since(db, before: dict) -> list[str]:
    with db.engine.connect() as conn:
        return [n for t in WHO for n in conn.scalars(
            sa.select(t.actor_name).where(t.id > before[t]))]


# -- a manager's approval at the packer's station ----------------------------------------------

def test_a_refund_over_the_limit_is_written_through_the_managers_own_login(people):
    rma = inspected_return(people, 3)  # 120.00: over the limit of 100
    packer, station_db = people.actor("packer"), people.db("packer")
    with approval(station_db, username=people.names["supervisor"], secret=PASSWORD,
                  station="PACK-1") as ok, pytest.raises(PermissionDenied, match="manager"):
        refunds.issue_refund(ok.db, actor=packer, rma=rma, outside=True, approved_by=ok.actor)

    with approval(station_db, username=people.names["manager"], secret=PASSWORD,
                  station="PACK-1") as ok:
        done = refunds.issue_refund(ok.db, actor=packer, rma=rma, outside=True,
                                    approved_by=ok.actor)

    assert done.amount == Decimal("120.00")
    with people.owner.engine.connect() as conn:
        refund = conn.execute(sa.select(Refund.created_by, Refund.approved_by)).one()
        who = conn.scalar(sa.select(AuditEvent.actor_name).where(AuditEvent.action == "refund"))
    assert refund == (packer.name, people.names["manager"]) and who == people.names["manager"]


def test_the_database_itself_refuses_a_supervisor_a_refund_over_the_limit(people):
    rma = inspected_return(people, 4)
    forged_manager = Actor(people.names["supervisor"], Role.manager)
    with pytest.raises(PermissionDenied, match="above the approval limit"):
        refunds.issue_refund(people.db("supervisor"), actor=forged_manager, rma=rma,
                             outside=True)


def test_a_quantity_over_the_scan_limit_needs_a_supervisors_own_login(people):
    _, sid = assigned_shipment(people.owner, {"SKU-2": 30}, bins={"SKU-2": "WH1-A-02"},
                               number="QTY-30")
    packer, station_db = people.actor("packer"), people.db("packer")
    assert not packing.scan_item(station_db, actor=packer, shipment_id=sid, value="SKU-2",
                                 quantity=30).ok
    with approval(station_db, username=people.names["supervisor"], secret=PASSWORD,
                  station="PACK-1") as ok:
        feedback = packing.scan_item(ok.db, actor=packer, shipment_id=sid, value="SKU-2",
                                     quantity=30, approved_by=ok.actor)
    assert feedback.ok and feedback.view.complete


# -- the quick unlock with the PIN, and its lockout ---------------------------------------------

def test_five_wrong_pins_at_a_locked_station_lock_the_person_in_the_database(people):
    people.add("temp", "packer")
    db, temp = people.db("temp"), people.actor("temp")
    assert signin.unlock(db, actor=temp, secret=PINS["packer"]) == temp
    for _ in range(5):
        with pytest.raises(PermissionDenied, match="Wrong PIN"):
            signin.unlock(db, actor=temp, secret="0000")
    with pytest.raises(PermissionDenied, match="locked"):
        signin.unlock(db, actor=temp, secret=PINS["packer"])
    with people.owner.engine.connect() as conn:
        locked = conn.scalar(sa.select(User.locked_until).where(User.username == temp.name))
        actions = list(conn.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.entity == "user", AuditEvent.actor_name == temp.name)
            .order_by(AuditEvent.id)))
    assert locked is not None and actions[-1] == "locked"
    with pytest.raises(PermissionDenied, match="locked"):
        people.actor("temp")


def test_on_hand_follows_the_ledger_for_everything_the_packer_did(people):
    from oms_desktop.services.inventory.stock import reconcile
    assert reconcile(people.owner) == []
    with people.owner.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.sum(StockLevel.on_hand))) > 0


# -- the command line acts as the login it connects with --------------------------------------

def cli(capsys, *argv) -> tuple[int, str]:
    from oms_desktop.cli import main
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_the_command_line_with_a_packers_login_cannot_refund_or_cancel(people, capsys):
    rma = inspected_return(people, 12)
    order_id, _ = assigned_shipment(people.owner, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"},
                                    number="CLI-1")
    url = people.url("packer")
    code, err = cli(capsys, "returns", "refund", rma, "--outside", "--db", url)
    assert code == 1 and "(packer) may not returns refund" in err
    code, err = cli(capsys, "orders", "cancel", str(order_id), "--user", "alex", "--db", url)
    assert code == 1 and "(packer) may not orders cancel" in err
    assert len(err.strip().splitlines()) == 1


def test_the_command_line_with_a_managers_login_cancels_and_is_named(people, capsys):
    order_id, _ = assigned_shipment(people.owner, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"},
                                    number="CLI-2")
    code, err = cli(capsys, "orders", "cancel", str(order_id), "--db", people.url("manager"))
    assert code == 0, err
    with people.owner.engine.connect() as conn:
        who = set(conn.scalars(sa.select(AuditEvent.actor_name).where(
            AuditEvent.order_id == order_id, AuditEvent.action == "cancel")))
    assert who == {people.names["manager"]}


def test_wrong_passwords_noted_at_a_station_lock_that_person_in_the_database(people):
    people.add("noted", "manager")
    with people.sql("packer") as conn:
        for _ in range(5):
            conn.execute("SELECT oms_sign_in_failed(%s, 'PACK-1')", (people.names["noted"],))
    with pytest.raises(PermissionDenied, match="locked"):
        people.actor("noted")
    with people.owner.engine.connect() as conn:
        row = conn.execute(sa.select(AuditEvent.action, AuditEvent.actor_name, AuditEvent.source)
                           .where(AuditEvent.entity == "user", AuditEvent.action == "locked")
                           .order_by(AuditEvent.id.desc()).limit(1)).one()
    assert row.actor_name == people.names["noted"]
    assert row.source == f"lockout: wrong passwords typed at {people.names['packer']}"
