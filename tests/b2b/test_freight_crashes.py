"""Killed half way (kill -9 at a named point) the freight commands leave nothing half done:
no pallet with some of its cartons, no booking without its bill of lading, no stage
released without its shipment, no PDF cut short; run again, each is done once, whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date, timedelta

import pypdfium2 as pdfium
import sqlalchemy as sa
import zxingcpp

from oms_desktop.model import DeliveryStage, FreightBooking, Pallet, PalletCarton, Setting
from oms_desktop.services.b2b import deliveries
from oms_desktop.services.b2b import purchase_orders as pos
from oms_desktop.services.freight import bookings, pallets
from oms_desktop.storage.crashpoints import ENV
from tests.b2b.acts import ADDRESS
from tests.b2b.freight_world import packed_in_cartons
from tests.b2b.world import CHAIN, SUPERVISOR, wholesale_world


def _cli(*argv: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if crash_at:
        env[ENV] = crash_at
    return subprocess.run([sys.executable, "-m", "oms_desktop", *argv], env=env,
                          capture_output=True, text=True, timeout=180)


def _count(db, model) -> int:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(sa.func.count()).select_from(model))


def _sequence(db, name: str):
    with db.uow(readonly=True) as uow:
        row = uow.session.get(Setting, f"sequence.{name}")
        return row.value if row else None


def test_killed_while_palletising_leaves_no_pallet_and_no_carton_on_one(db, cli_admin):
    wholesale_world(db, credit_limit="100000")
    _, sid = packed_in_cartons(db)
    pallets.palletise(db, actor=SUPERVISOR, shipment_id=sid, cartons=["3"])
    before = _sequence(db, "sscc")

    killed = _cli("freight", "pallet", f"SHP-{sid}", "--db", db.url,
                  crash_at="freight.palletising")
    assert killed.returncode == -signal.SIGKILL
    assert (_count(db, Pallet), _count(db, PalletCarton)) == (1, 1)
    assert _sequence(db, "sscc") == before, "the pallet's SSCC number was not used up"

    again = _cli("freight", "pallet", f"SHP-{sid}", "--db", db.url)
    assert again.returncode == 0, again.stderr
    found = pallets.shipment_pallets(db, sid)
    assert [[c.number for c in p.cartons] for p in found.pallets] == [[3], [1, 2]]


def test_killed_while_booking_leaves_no_booking_and_the_shipment_untouched(db, cli_admin):
    wholesale_world(db, credit_limit="100000")
    _, sid = packed_in_cartons(db)
    pallets.palletise(db, actor=SUPERVISOR, shipment_id=sid)
    argv = ("freight", "book", f"SHP-{sid}", "--carrier", "Old Dominion", "--scac", "ODFL",
            "--pro", "0123456789", "--class", "70", "--db", db.url)

    assert _cli(*argv, crash_at="freight.booking").returncode == -signal.SIGKILL
    assert _count(db, FreightBooking) == 0 and _sequence(db, "bol") is None
    assert bookings.papers(db, sid).booking is None

    again = _cli(*argv)
    assert again.returncode == 0 and "06141410000000012" in again.stdout, again.stderr
    twice = _cli(*argv)
    assert twice.returncode != 0 and twice.stderr.count("\n") == 1
    assert "was booked with Old Dominion" in twice.stderr


def test_a_killed_pdf_write_leaves_no_cut_short_file(db, cli_admin, tmp_path):
    wholesale_world(db, credit_limit="100000")
    _, sid = packed_in_cartons(db)
    pallet = pallets.palletise(db, actor=SUPERVISOR, shipment_id=sid)
    out = tmp_path / "pallets.pdf"

    killed = _cli("freight", "label", f"SHP-{sid}", str(out), "--db", db.url,
                  crash_at="freight.pdf")
    assert killed.returncode == -signal.SIGKILL and not out.exists()
    assert _cli("freight", "label", f"SHP-{sid}", str(out), "--db", db.url).returncode == 0
    [page] = pdfium.PdfDocument(out.read_bytes())
    image = page.render(scale=203 / 72, grayscale=True).to_pil()
    assert f"(00){pallet.sscc}" in {r.text for r in zxingcpp.read_barcodes(image)}


def test_killed_between_two_stage_releases_releases_neither(db, cli_admin):
    wholesale_world(db, credit_limit="100000")
    today = date(2026, 12, 7)
    pos.place_order(db, actor=SUPERVISOR, customer=CHAIN, po=pos.PoIn("PO-K", (
        pos.LineIn("SKU-1", 1, "1", requested_on=today),
        pos.LineIn("SKU-1", 2, "2", requested_on=today + timedelta(days=1))), ship_to=ADDRESS))
    argv = ("freight", "release", "--date", today.isoformat(), "--db", db.url)

    assert _cli(*argv, crash_at="stages.round").returncode == -signal.SIGKILL
    assert [s.status for s in deliveries.list_stages(db, order="PO-K")] == ["planned"] * 2
    assert all(s.shipments == () for s in deliveries.list_stages(db, order="PO-K"))

    assert _cli(*argv).returncode == 0
    stages = deliveries.list_stages(db, order="PO-K")
    assert [(s.status, len(s.shipments)) for s in stages] == [("released", 1)] * 2
    with db.uow(readonly=True) as uow:
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(DeliveryStage).where(
            DeliveryStage.released_at.is_not(None))) == 2
