"""What prints when a shipment is packed: the packing slip, and the shipping label. Each goes
to the station's printer through the print queue (services.shipping.printing) when the
station has one configured; otherwise the file is written to the station folder and its path
returned, so the screen can show it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from oms_desktop.devices.printing import load_station
from oms_desktop.documents import packing_slip
from oms_desktop.errors import OmsError
from oms_desktop.model import Actor, Shipment
from oms_desktop.services import settings
from oms_desktop.services.brands import profiles
from oms_desktop.services.floor import packing
from oms_desktop.services.shipping import labels as shipping
from oms_desktop.services.shipping import needs_label, printing
from oms_desktop.storage import Database


LABEL = "Shipping label"  # Printed.document of a label that could not be made


@dataclass(frozen=True)
class Printed:
    document: str
    where: str  # printer name or file path
    ok: bool
    message: str


def _station_printers():
    try:
        return load_station()
    except (OSError, ValueError, OmsError):
        return None


def _deliver(db: Database, actor: Actor, *, name: str, title: str, content: bytes, fmt: str,
             printer, folder: Path) -> Printed:
    if printer is not None:
        job = printing.print_document(db, actor=actor, title=title, content=content, fmt=fmt,
                                      printer=printer)
        ok = job.state == "sent"
        return Printed(title, printer.name, ok, f"{title}: {'printed on' if ok else 'failed on'}"
                                                f" {printer.name}" + ("" if ok else f" ({job.error})"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return Printed(title, str(path), True, f"{title} saved to {path}")


def packing_slip_pdf(db: Database, shipment_id: int, page: str = "A4") -> tuple[str, bytes]:
    pack = packing.view(db, shipment_id)
    with db.uow(readonly=True) as uow:
        shipment = uow.session.get(Shipment, shipment_id)
        order = shipment.order
        brand = profiles.for_order(uow.session, order)
        sender = brand.sender_name if brand else \
            shipment.location.name if shipment.location else order.channel.name
        data = packing_slip.collect(
            pack, sender=sender,
            ship_to=(order.ship_name, order.ship_company, order.ship_line1, order.ship_line2,
                     " ".join(x for x in (order.ship_postal_code, order.ship_city) if x),
                     order.ship_region, order.ship_country),
            return_instructions=(brand and brand.return_instructions) or settings.get(
                uow.session, "documents.return_instructions"),
            sender_address=brand.address[1:] if brand else (),
            logo_path=brand.logo_path if brand else None)
    return data.order_number, packing_slip.render_pdf(data, page=page)


def print_packing_slip(db: Database, *, actor: Actor, shipment_id: int,
                       folder: Path) -> Printed:
    number, pdf = packing_slip_pdf(db, shipment_id)
    station = _station_printers()
    printer = station.document if station else None
    return _deliver(db, actor, name=f"packing-slip-SHP-{shipment_id}.pdf",
                    title=f"Packing slip {number}", content=pdf, fmt="pdf", printer=printer,
                    folder=folder)


def _is_pickup(db: Database, shipment_id: int) -> bool:
    with db.uow(readonly=True) as uow:
        shipment = uow.session.get(Shipment, shipment_id)
        return shipment is not None and shipment.order.pickup_location_id is not None


def print_shipping_label(db: Database, *, actor: Actor, shipment_id: int,
                         folder: Path) -> Printed | None:
    """Buy (or reuse) the label and print it; None where there is nothing to do (no
    shipping service, or a click-and-collect order that needs no label)."""
    if _is_pickup(db, shipment_id):
        return None
    station = _station_printers()
    printer = station.label if station else None
    fmt = "zpl" if printer is not None and printer.takes_zpl else "pdf"
    try:
        try:
            label = shipping.current_label(db, shipment_id)
        except OmsError:
            label = shipping.create_label(db, actor=actor, shipment_id=shipment_id, fmt=fmt)
    except OmsError as exc:  # the shipment stays packed, listed under "Needs a label"
        needs_label.record_failure(db, actor=actor, shipment_id=shipment_id, error=str(exc))
        return Printed(LABEL, "", False, f"No shipping label for SHP-{shipment_id}: {exc}")
    return _deliver(db, actor, name=f"label-SHP-{shipment_id}.{label.format}",
                    title=f"Label {label.carrier} {label.tracking_number}",
                    content=label.content, fmt=label.format, printer=printer, folder=folder)
