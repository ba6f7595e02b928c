"""The command line acts as a person. On SQLite: the user named by --user or $OMS_USER, who
proves it with a PIN ($OMS_PIN in scripts); without one a state-changing command is refused
with one line saying how to give one. The audit trail names the person."""

import pytest
import sqlalchemy as sa

from oms_desktop.cli import main
from oms_desktop.model import AuditEvent, Order
from oms_desktop.services.users import accounts
from oms_desktop.values import SYSTEM
from oms_desktop.services.returns.intake import finish_intake, receive_unit
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up
from tests.returns_fixtures import shipped_order

PEOPLE = {"pat": ("packer", "4444"), "morgan": ("manager", "2222")}


@pytest.fixture
def world(sqlite_db, monkeypatch):
    small_world(sqlite_db)
    accounts.create_first_admin(sqlite_db, username="alex", display_name="Alex", secret="1111")
    for name, (role, pin) in PEOPLE.items():
        accounts.create_user(sqlite_db, actor=SYSTEM, username=name, display_name=name,
                             role=role, secret=pin)
    for var in ("OMS_USER", "OMS_PIN"):
        monkeypatch.delenv(var, raising=False)
    return sqlite_db


def run(capsys, *argv) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def as_person(monkeypatch, name: str, pin: str | None = None) -> None:
    monkeypatch.setenv("OMS_USER", name)
    monkeypatch.setenv("OMS_PIN", pin or PEOPLE[name][1])


def order_status(db, order_id: int) -> str:
    with db.engine.connect() as conn:
        return conn.scalar(sa.select(Order.status).where(Order.id == order_id))


def test_a_state_changing_command_without_a_person_is_refused_with_one_line(world, capsys):
    order_id = shipped_order(world, {"SKU-1": 1})

    code, err = run(capsys, "orders", "cancel", str(order_id), "--db", world.url)

    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--user NAME" in err and "OMS_PIN" in err
    assert order_status(world, order_id) == "completed"


def test_reading_needs_no_person(world, capsys):
    assert run(capsys, "orders", "list", "--db", world.url)[0] == 0


def open_order(db) -> int:
    stock_up(db, {("SKU-1", "WH1-A-01"): 5})
    return assigned_shipment(db, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"})[0]


def inspected_rma(db) -> str:
    rma = create_rma(db, actor=SYSTEM, order=shipped_order(db, {"SKU-1": 1}),
                     lines=[RequestedLine("SKU-1", 1, "defective")]).rma_number
    receive_unit(db, actor=SYSTEM, rma=rma, code="SKU-1", condition="defective",
                 disposition="scrap", location="WH1")
    finish_intake(db, actor=SYSTEM, rma=rma)
    return rma


def test_a_packer_named_on_the_command_line_may_not_cancel_or_refund(world, capsys,
                                                                      monkeypatch):
    order_id, rma = open_order(world), inspected_rma(world)
    as_person(monkeypatch, "pat")

    code, err = run(capsys, "orders", "cancel", str(order_id), "--db", world.url)
    assert code == 1 and "pat (packer) may not orders cancel: a manager" in err
    code, err = run(capsys, "returns", "refund", rma, "--outside", "--db", world.url)
    assert code == 1 and "pat (packer) may not returns refund" in err
    assert order_status(world, order_id) == "in_fulfilment"


def test_a_manager_cancels_and_the_audit_trail_names_them(world, capsys, monkeypatch):
    order_id = open_order(world)

    monkeypatch.setenv("OMS_PIN", PEOPLE["morgan"][1])
    code, err = run(capsys, "orders", "cancel", str(order_id), "--user", "morgan", "--db",
                    world.url)

    assert code == 0, err
    with world.engine.connect() as conn:
        who = set(conn.execute(sa.select(AuditEvent.actor_name, AuditEvent.source).where(
            AuditEvent.order_id == order_id, AuditEvent.action == "cancel")).all())
    assert who == {("morgan", "cli")}  # the order and its shipment


def test_a_wrong_pin_is_refused_and_five_lock_the_user(world, capsys, monkeypatch):
    as_person(monkeypatch, "morgan", pin="0000")
    for _ in range(5):
        code, err = run(capsys, "orders", "verify", "--all", "--db", world.url)
        assert code == 1 and "Wrong PIN or password" in err
    as_person(monkeypatch, "morgan")
    code, err = run(capsys, "orders", "verify", "--all", "--db", world.url)
    assert code == 1 and "morgan is locked" in err


def test_without_a_terminal_and_without_oms_pin_the_command_says_how(world, capsys,
                                                                      monkeypatch):
    monkeypatch.setenv("OMS_USER", "morgan")
    code, err = run(capsys, "orders", "verify", "--all", "--db", world.url)
    assert code == 2 and "no PIN for morgan: set OMS_PIN" in err


def test_users_are_added_and_unlocked_from_the_command_line(world, capsys, monkeypatch):
    as_person(monkeypatch, "alex", pin="1111")
    monkeypatch.setenv("OMS_NEW_PIN", "9876")
    code, err = run(capsys, "users", "add", "kim", "--role", "supervisor", "--db", world.url)
    assert code == 0, err
    as_person(monkeypatch, "kim", pin="0000")
    for _ in range(5):
        run(capsys, "orders", "verify", "--all", "--db", world.url)
    as_person(monkeypatch, "alex", pin="1111")
    assert run(capsys, "users", "unlock", "kim", "--db", world.url)[0] == 0
    as_person(monkeypatch, "kim", pin="9876")
    assert run(capsys, "orders", "verify", "--all", "--db", world.url)[0] == 0
