"""The print queue on SQLite and PostgreSQL against a local raw-ZPL printer (port-9100 style
on 127.0.0.1): every label arrives and each label's fields are checked; a refused printer
leaves a failed job that a retry to a working printer sends."""

import pytest

from oms_desktop.devices.printing import PrinterProfile
from oms_desktop.model import Actor, Role
from oms_desktop.services.shipping import printing
from oms_desktop.services.shipping import labels as shipping
from tests.carriers.world import packed_shipment, shipping_world
from tests.carriers.zpl_printer import ZplPrinter, closed_port
from tests.carriers.zpl_reader import barcodes, texts

PACKER = Actor("pat", Role.packer, station="PACK-1")


@pytest.fixture
def world(db):
    shipping_world(db)
    return db


@pytest.fixture
def printer():
    with ZplPrinter() as p:
        yield p


def zebra(port: int, name: str = "Zebra") -> PrinterProfile:
    return PrinterProfile(name=name, kind="zpl_tcp", host="127.0.0.1", port=port, timeout=2)


def test_each_label_reaches_the_printer_with_its_fields(world, printer):
    a = packed_shipment(world, number="1001", name="Zoë Ämmänen", packages=2)
    b = packed_shipment(world, number="1002", name="Bob ^Tilde~Under_score")
    made = [shipping.create_label(world, actor=PACKER, shipment_id=s, fmt="zpl") for s in (a, b)]
    for s in (a, b):
        job = shipping.print_label(world, actor=PACKER, shipment_id=s, printer=zebra(printer.port))
        assert job.state == "sent" and job.attempts == 1
    assert len(printer.wait_for(3)) == 3
    for fmt, (label, package) in zip(printer.labels, [(made[0], 0), (made[0], 1), (made[1], 0)]):
        assert "^CI28" in fmt and "^PW812" in fmt and "^LL1218" in fmt
        assert barcodes(fmt) == [">:" + label.tracking_number, ">;>800" + label.sscc[package]]
        assert f"(00) {label.sscc[package][0]}" in " ".join(texts(fmt))
    assert "Zoë Ämmänen" in texts(printer.labels[0])
    assert "Bob ^Tilde~Under_score" in texts(printer.labels[2])
    assert f"Pkg 2 of 2" in " ".join(texts(printer.labels[1]))


def test_a_refused_printer_leaves_a_failed_job_that_a_retry_elsewhere_sends(world, printer):
    sid = packed_shipment(world)
    shipping.create_label(world, actor=PACKER, shipment_id=sid, fmt="zpl")
    failed = shipping.print_label(world, actor=PACKER, shipment_id=sid,
                                  printer=zebra(closed_port(), "Broken"))
    assert failed.state == "failed" and "cannot be reached" in failed.error
    assert [j.id for j in printing.jobs(world, state="failed")] == [failed.id]
    assert printer.labels == []
    again = printing.retry(world, actor=PACKER, job_id=failed.id, printer=zebra(printer.port))
    assert (again.id, again.state, again.attempts, again.error) == (failed.id, "sent", 2, None)
    assert again.printer == "Zebra" and len(printer.wait_for(1)) == 1


def test_a_reprint_sends_exactly_the_stored_label(world, printer):
    sid = packed_shipment(world)
    label = shipping.create_label(world, actor=PACKER, shipment_id=sid, fmt="zpl")
    for _ in range(2):
        shipping.print_label(world, actor=PACKER, shipment_id=sid, printer=zebra(printer.port))
    printer.wait_for(2)
    assert printer.received == label.content * 2
    assert len(printing.jobs(world)) == 2


def test_a_pdf_label_is_not_sent_to_a_zpl_printer(world, printer):
    sid = packed_shipment(world)
    shipping.create_label(world, actor=PACKER, shipment_id=sid, fmt="pdf")
    job = shipping.print_label(world, actor=PACKER, shipment_id=sid, printer=zebra(printer.port))
    assert job.state == "failed" and "prints ZPL; this document is PDF" in job.error


def test_a_cups_queue_without_cups_fails_with_a_clear_error(world, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    sid = packed_shipment(world)
    shipping.create_label(world, actor=PACKER, shipment_id=sid, fmt="zpl")
    job = shipping.print_label(world, actor=PACKER, shipment_id=sid,
                               printer=PrinterProfile("Zebra-CUPS", "cups_raw", queue="zebra"))
    assert job.state == "failed" and "no `lp` command" in job.error


def test_a_cups_raw_queue_gets_the_bytes_through_lp(world, tmp_path, monkeypatch):
    lp = tmp_path / "lp"
    out = tmp_path / "printed.zpl"
    lp.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path}/args\ncat > {out}\n")
    lp.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    sid = packed_shipment(world)
    label = shipping.create_label(world, actor=PACKER, shipment_id=sid, fmt="zpl")
    job = shipping.print_label(world, actor=PACKER, shipment_id=sid,
                               printer=PrinterProfile("Zebra-CUPS", "cups_raw", queue="zebra"))
    assert job.state == "sent"
    assert out.read_bytes() == label.content
    assert (tmp_path / "args").read_text().split() == ["-d", "zebra", "-o", "raw"]


def test_without_a_printer_the_stations_label_printer_is_used(world, printer, tmp_path,
                                                              monkeypatch):
    from oms_desktop.devices.printing import PrinterError, StationPrinters, save_station

    path = tmp_path / "printers.json"
    monkeypatch.setenv("OMS_PRINTERS_FILE", str(path))
    sid = packed_shipment(world)
    label = shipping.create_label(world, actor=PACKER, shipment_id=sid, fmt="zpl")
    with pytest.raises(PrinterError, match="No label printer"):
        shipping.print_label(world, actor=PACKER, shipment_id=sid)
    save_station(StationPrinters(zebra(printer.port), None))
    assert shipping.print_label(world, actor=PACKER, shipment_id=sid).state == "sent"
    printer.wait_for(1)
    assert printer.received == label.content


def test_a_network_printer_answers_its_host_status(printer):
    from oms_desktop.devices.printing import PrinterError, host_status

    assert host_status(zebra(printer.port)).startswith("030,0,0")
    with pytest.raises(PrinterError, match="cannot be reached"):
        host_status(zebra(closed_port()))
