"""Shipping services on SQLite and PostgreSQL: rate shopping, labels (manual and EasyPost
through its emulator), voids, and the end-of-day close-out that ships and consumes stock."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from oms_desktop.carriers.credentials import store_api_key
from oms_desktop.errors import (
    ConcurrentChange, InvalidTransition, PermissionDenied, ValidationError,
)
from oms_desktop.model import SYSTEM, Actor, Role
from oms_desktop.policies.barcodes import gs1_check_digit
from oms_desktop.services import events
from oms_desktop.services.shipping import manifests
from oms_desktop.services.orders import views as orders
from oms_desktop.services import settings
from oms_desktop.services.shipping import labels as shipping
from oms_desktop.services.inventory import stock
from tests.carriers.conftest import easypost, memory_keyring  # noqa: F401 - fixtures
from tests.carriers.world import GS1_PREFIX, packed_shipment, shipping_world

PACKER = Actor("pat", Role.packer)
LEAD = Actor("sue", Role.supervisor)


@pytest.fixture
def world(db):
    shipping_world(db)
    return db


def test_a_manual_label_gets_a_sequence_number_and_an_sscc_per_package(world):
    sid = packed_shipment(world, packages=2)
    label = shipping.create_label(world, actor=PACKER, shipment_id=sid, fmt="zpl")
    assert label.tracking_number == "LC0000000001" and label.carrier == "manual"
    assert len(label.sscc) == 2 and len(set(label.sscc)) == 2
    for code in label.sscc:
        assert len(code) == 18 and code[1:8] == GS1_PREFIX
        assert gs1_check_digit(code[:17]) == int(code[17])
    assert label.content.count(b"^XA") == 2
    second = shipping.create_label(world, actor=PACKER,
                                   shipment_id=packed_shipment(world, number="1002"))
    assert second.tracking_number == "LC0000000002" and second.content.startswith(b"%PDF")


def test_the_choice_and_the_alternatives_are_stored_on_the_shipment(world):
    sid = packed_shipment(world)
    shipping.create_label(world, actor=PACKER, shipment_id=sid)
    detail = orders.get_order(world, "1001")
    assert detail.shipments[0].carrier == "manual"
    with world.uow(readonly=True) as uow:
        from oms_desktop.model import Shipment

        choice = uow.session.get(Shipment, sid).rate_choice
    assert choice["chosen"]["service"] == "Economy" and choice["chosen"]["amount"] == "2.90"
    assert [a["service"] for a in choice["alternatives"]] == ["Economy", "Courier"]
    assert any(e.action == "label" for e in detail.timeline)


def test_rate_shopping_honours_the_requested_service_level(world):
    sid = packed_shipment(world, requested="express")
    result = shipping.rates(world, actor=PACKER, shipment_id=sid)
    assert result.chosen.service == "Courier"
    [economy] = [r for r in result.rates if r.service == "Economy"]
    assert not economy.meets and "slower than express" in economy.why_not


def test_rate_shopping_honours_the_promised_delivery_date(world):
    from oms_desktop.policies.rate_shop import arrival
    from oms_desktop.services.shipping.carriers import ship_day

    with world.uow(readonly=True) as uow:  # what the one-day Courier can make, any day or hour
        promised = arrival(ship_day(uow.session, "manual"), 1)
    sid = packed_shipment(world, deliver_by=promised)
    chosen = shipping.rates(world, actor=PACKER, shipment_id=sid).chosen
    assert chosen.service == "Courier" and chosen.arrives == promised


def test_a_forced_service_wins_over_the_cheapest(world):
    sid = packed_shipment(world, carrier="manual", service="Courier")
    label = shipping.create_label(world, actor=PACKER, shipment_id=sid)
    assert (label.service, label.cost) == ("Courier", Decimal("4.50"))


def test_an_impossible_requirement_is_refused_with_the_reason(world):
    sid = packed_shipment(world, deliver_by=date.today() - timedelta(days=1))
    with pytest.raises(shipping.NoSuitableRate, match="promised by"):
        shipping.create_label(world, actor=PACKER, shipment_id=sid)


def test_only_a_packed_shipment_gets_one_label(world):
    sid = packed_shipment(world)
    shipping.create_label(world, actor=PACKER, shipment_id=sid)
    with pytest.raises(ConcurrentChange, match=rf"SHP-{sid} was labelled by {PACKER.name} at "):
        shipping.create_label(world, actor=PACKER, shipment_id=sid)
    shipping.mark_shipped(world, actor=PACKER, shipment_id=sid)
    with pytest.raises(InvalidTransition):
        shipping.rates(world, actor=PACKER, shipment_id=sid)


def test_easypost_rates_compete_with_the_own_fleet_and_its_label_passes_through(
        world, easypost, memory_keyring):
    store_api_key("easypost", easypost.api_key)
    settings.write(world, actor=SYSTEM, key="carrier.easypost", value={"base_url": easypost.url})
    settings.write(world, actor=SYSTEM, key="shipping.carriers", value=["manual", "easypost"])
    sid = packed_shipment(world, requested="two_day")
    result = shipping.rates(world, actor=PACKER, shipment_id=sid)
    assert (result.chosen.carrier, result.chosen.service) == ("manual", "Courier")
    label = shipping.create_label(world, actor=PACKER, shipment_id=sid, carrier="easypost",
                                  fmt="zpl")
    assert label.service == "USPS Priority" and label.cost == Decimal("8.10")
    served = [c for name, (c, _) in easypost.files.items() if name.endswith(".zpl")]
    assert label.content == served[0]
    assert shipping.current_label(world, sid).content == served[0]


def test_voiding_refunds_the_label_and_allows_a_new_one(world, easypost, memory_keyring):
    store_api_key("easypost", easypost.api_key)
    settings.write(world, actor=SYSTEM, key="carrier.easypost", value={"base_url": easypost.url})
    sid = packed_shipment(world)
    first = shipping.create_label(world, actor=PACKER, shipment_id=sid, carrier="easypost")
    with pytest.raises(PermissionDenied):
        shipping.void_label(world, actor=PACKER, shipment_id=sid)
    shipping.void_label(world, actor=LEAD, shipment_id=sid)
    assert any(p.endswith("/refund") for _, p, _, _ in easypost.requests)
    assert orders.get_order(world, "1001").shipments[0].tracking_number is None
    second = shipping.create_label(world, actor=PACKER, shipment_id=sid, carrier="easypost")
    assert second.tracking_number != first.tracking_number


def test_close_out_manifests_the_day_ships_and_consumes_the_reservations(world, published):
    sids = [packed_shipment(world, number=str(1001 + i)) for i in range(3)]
    labels = [shipping.create_label(world, actor=PACKER, shipment_id=s) for s in sids]
    result = manifests.close_out(world, actor=LEAD, carrier="manual", day=labels[0].ship_day)
    assert (result.shipments, result.packages) == (3, 3)
    assert result.total_cost == Decimal("8.70") and result.document.startswith(b"%PDF")
    assert {e.shipment_id for e in published if isinstance(e, events.ShipmentShipped)} == set(sids)
    assert published[0].tracking_number == labels[0].tracking_number
    assert [s.status for s in orders.get_order(world, "1002").shipments] == ["shipped"]
    on_hand = {r.sku: r.on_hand for r in stock.levels(world)}
    assert on_hand == {"SKU-1": 97, "SKU-2": 94}
    assert stock.reconcile(world) == []
    with pytest.raises(ValidationError, match="handed to the carrier"):
        shipping.void_label(world, actor=LEAD, shipment_id=sids[0])
    with pytest.raises(ConcurrentChange, match=f"The manual day {labels[0].ship_day} was "
                                               "closed by sue at"):
        manifests.close_out(world, actor=LEAD, carrier="manual", day=labels[0].ship_day)


def test_labels_after_the_cut_off_roll_to_the_next_day(world):
    settings.write(world, actor=SYSTEM, key="shipping.cutoff.manual", value="00:00")
    label = shipping.create_label(world, actor=PACKER, shipment_id=packed_shipment(world))
    assert label.ship_day > date.today() and label.ship_day.weekday() < 5
    with pytest.raises(ValidationError, match="Nothing to close"):
        manifests.close_out(world, actor=LEAD, carrier="manual", day=date.today())
    closed = manifests.close_out(world, actor=LEAD, carrier="manual", day=label.ship_day)
    assert closed.shipments == 1
    assert [m.id for m in manifests.manifests(world, carrier="manual")] == [closed.id]


def test_the_command_line_buys_voids_manifests_and_tracks(world, tmp_path, capsys, cli_admin):
    from oms_desktop.cli import main

    url = world.url
    sid = packed_shipment(world)
    assert main(["rates", str(sid), "--db", url]) == 0
    assert "cheapest of 2 qualifying rates" in capsys.readouterr().out
    out = tmp_path / "label.zpl"
    assert main(["label", f"SHP-{sid}", "--format", "zpl", "--out", str(out), "--db", url]) == 0
    assert out.read_bytes().startswith(b"^XA") and b"LC0000000001" in out.read_bytes()
    assert main(["label", "void", str(sid), "--db", url]) == 0
    assert "voided LC0000000001" in capsys.readouterr().out
    assert main(["label", str(sid), "--service", "Courier", "--out", str(tmp_path / "l.pdf"),
                 "--db", url, "--json"]) == 0
    assert '"tracking_number": "LC0000000002"' in capsys.readouterr().out
    pdf = tmp_path / "manifest.pdf"
    assert main(["manifest", "--carrier", "manual", "--out", str(pdf), "--db", url]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert main(["track", "--all", "--db", url]) == 0
    assert "checked 1, new events 0, shipped 0" in capsys.readouterr().out
    assert main(["label", "void", "--db", url]) == 2
    assert "usage: label void SHIPMENT" in capsys.readouterr().err
