"""A program killed (kill -9) in the middle of buying a label, closing a carrier's day or
pushing a refund to the channel, then run again: nothing is lost and nothing is doubled, as
the emulators' own records of what was bought and refunded show."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from oms_desktop.model import SYSTEM, Actor, Manifest, Order, Role, ShippingLabel
from oms_desktop.services.inventory import stock
from oms_desktop.services.returns.refunds import issue_refund
from oms_desktop.services.shipping.labels import create_label
from oms_desktop.storage import Database
from oms_desktop.storage.crashpoints import ENV
from tests.carriers.easypost_emulator import EasyPostEmulator
from tests.carriers.world import packed_shipment, shipping_world
from tests.connectors.conftest import memory_keyring, shopify  # noqa: F401 - fixtures
from tests.connectors.shopify_emulator import TOKEN
from tests.returns_fixtures import returned_shopify_unit

KILLED = -signal.SIGKILL


def _cli(*argv: str, crash_at: str | None = None, env: dict | None = None,
         kill_after: float | None = None) -> subprocess.CompletedProcess:
    """`oms-desktop ARGV` in a process of its own, killed at a named point or after a delay."""
    full = {**os.environ, **(env or {})}
    full.pop(ENV, None)
    if crash_at:
        full[ENV] = crash_at
    proc = subprocess.Popen([sys.executable, "-m", "oms_desktop", *argv], env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if kill_after is not None:
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=180)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


# -- labels ------------------------------------------------------------------------------------
@pytest.fixture
def easypost():
    with EasyPostEmulator() as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _someone_acts(cli_admin) -> None:
    """Every command here changes data, so it acts as a signed-in person (OMS_USER/OMS_PIN)."""


def _label_world(db: Database, emulator: EasyPostEmulator) -> tuple[int, dict]:
    shipping_world(db, carriers=("easypost",), easypost={"base_url": emulator.url})
    return packed_shipment(db), {"OMS_SECRET_CARRIER_EASYPOST_API_KEY": emulator.api_key}


def _label(db_url: str, shipment_id: int, out, env, **kill) -> subprocess.CompletedProcess:
    return _cli("label", str(shipment_id), "--carrier", "easypost", "--out", str(out),
                "--db", db_url, env=env, **kill)


def _one_label_kept(db: Database, emulator: EasyPostEmulator) -> None:
    """The carrier sold labels; all but one were refunded; that one is the stored label."""
    kept = [s for s in emulator.shipments.values()
            if s["tracking_code"] and s["refund_status"] is None]
    with db.uow(readonly=True) as uow:
        active = uow.session.scalars(sa.select(ShippingLabel).where(
            ShippingLabel.voided_at.is_(None))).all()
        assert [(l.tracking_number, l.carrier_ref) for l in active] == [
            (s["tracking_code"], s["id"]) for s in kept]


@pytest.mark.parametrize("point", ["label.intent", "label.bought", "label.stored"])
def test_a_label_purchase_killed_at_any_step_is_neither_lost_nor_doubled(db, db_url, easypost,
                                                                         tmp_path, point):
    shipment_id, env = _label_world(db, easypost)

    killed = _label(db_url, shipment_id, tmp_path / "first.pdf", env, crash_at=point)
    again = _label(db_url, shipment_id, tmp_path / "again.pdf", env)

    assert killed.returncode == KILLED, killed.stderr
    if point == "label.stored":  # it was all done: the second station is told so
        assert again.returncode == 1 and f"SHP-{shipment_id} was labelled by" in again.stderr
    else:
        assert again.returncode == 0, again.stderr
    _one_label_kept(db, easypost)


def test_label_purchases_killed_at_random_moments_leave_one_label(db, db_url, easypost,
                                                                   tmp_path):
    shipment_id, env = _label_world(db, easypost)
    rng = random.Random(7)
    for n in range(4):
        _label(db_url, shipment_id, tmp_path / f"{n}.pdf", env,
               kill_after=rng.uniform(0.4, 2.0))
    final = _label(db_url, shipment_id, tmp_path / "final.pdf", env)
    assert final.returncode == 0 or "was labelled by" in final.stderr, final.stderr
    _one_label_kept(db, easypost)


# -- closing the day ---------------------------------------------------------------------------
@pytest.mark.parametrize("point", ["manifest.before_commit", "manifest.committed"])
def test_a_close_out_killed_midway_ships_everything_once(db, db_url, tmp_path, point):
    shipping_world(db)
    shipments = [packed_shipment(db, number=n) for n in ("2001", "2002")]
    for shipment_id in shipments:
        create_label(db, actor=SYSTEM, shipment_id=shipment_id, carrier="manual")
    before = {(r.sku, r.location): r.on_hand for r in stock.levels(db)}
    argv = ("manifest", "--carrier", "manual", "--out", str(tmp_path / "m.pdf"),
            "--db", db_url)

    assert _cli(*argv, crash_at=point).returncode == KILLED
    again = _cli(*argv)

    assert again.returncode == 0 or "was closed by" in again.stderr, again.stderr
    with db.uow(readonly=True) as uow:
        assert uow.session.scalar(sa.select(sa.func.count(Manifest.id))) == 1
    after = {(r.sku, r.location): r.on_hand for r in stock.levels(db)}
    assert (before[("SKU-1", "WH1-A-01")] - after[("SKU-1", "WH1-A-01")],
            before[("SKU-2", "WH1-A-02")] - after[("SKU-2", "WH1-A-02")]) == (2, 4)
    assert stock.reconcile(db) == []


# -- refunds pushed to the channel -------------------------------------------------------------
def _refund_queued(db: Database, shop) -> str:
    code, rma = returned_shopify_unit(db, shop)
    assert issue_refund(db, actor=Actor("sam", Role.supervisor), rma=rma).status == "approved"
    return code


def test_a_refund_push_killed_after_the_channel_took_it_is_not_pushed_twice(
        db, db_url, shopify, memory_keyring):
    code = _refund_queued(db, shopify)
    env = {"OMS_SECRET_SHOP_ACCESS_TOKEN": TOKEN}

    killed = _cli("sync", code, "--db", db_url, crash_at="push.refund.sent", env=env)
    again = _cli("sync", code, "--db", db_url, env=env)

    assert killed.returncode == KILLED and again.returncode == 0, again.stderr
    assert [r["totalRefundedSet"]["shopMoney"]["amount"] for r in shopify.refunds] == ["10.00"]
    with db.uow(readonly=True) as uow:
        assert uow.session.scalar(sa.text("SELECT status FROM refunds")) == "issued"
        assert uow.session.scalars(sa.select(Order.refunded_total)).one() == Decimal("10.00")
