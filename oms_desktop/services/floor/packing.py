"""The scan-to-verify pack station. Open a shipment by order, shipment, tote or pick-list
slot; each scan ticks units of a line (its GTIN, SKU, or a kit's component). A wrong item or
one too many is refused with what was expected, and nothing is recorded as packed. Every scan
is a ScanEvent; packed quantities are the sum of the good, not-undone ones, so "undo" is
marking the last one undone and the trail settles disputes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from oms_desktop.errors import ConcurrentChange, NotFound, OmsError, ValidationError
from oms_desktop.model import (
    Actor, AuditEvent, KitComponent, Order, Package, PickListSlot, Product, ScanEvent,
    ScanResult, Shipment, ShipmentStatus,
)
from oms_desktop.policies import pack_scan
from oms_desktop.policies.pack_scan import Need
from oms_desktop.policies.permissions import require
from oms_desktop.policies.wording import plural
from oms_desktop.policies.scan import Scan, ScanKind, parse_scan
from oms_desktop.services import events, messagebus, settings
from oms_desktop.services.floor.pack_views import (  # noqa: F401 - the views are part of this API
    PackageView,
    PackFeedback,
    PackLineView,
    PackView,
    PartView,
    pack_view,
)
from oms_desktop.services.floor.picking import product_for_scan, record_scan
from oms_desktop.services.lookup import locked_shipment, order_by_ref
from oms_desktop.services.shipping.parcels import close_package
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import refusal

PACKABLE = (ShipmentStatus.assigned, ShipmentStatus.picking, ShipmentStatus.picked)
DEFAULT_QUANTITY_LIMIT = 10
OPENING_KINDS = (ScanKind.order, ScanKind.shipment, ScanKind.tote, ScanKind.pick_slot)


# -- loading and progress -------------------------------------------------------------------
def _shipment(session: Session, shipment_id: int, *, locked: bool = True) -> Shipment:
    """The shipment at the pack station, locked with its order until commit: the scans,
    packages and completion of one shipment take turns across stations."""
    options = [selectinload(Shipment.lines), selectinload(Shipment.packages),
               selectinload(Shipment.order)]
    shipment = locked_shipment(session, shipment_id, options=options) if locked else \
        session.get(Shipment, shipment_id, options=options)
    if shipment is None:
        raise NotFound(f"No shipment SHP-{shipment_id}")
    return shipment


def _needs(session: Session, shipment: Shipment) -> list[Need]:
    ids = {l.product_id for l in shipment.lines}
    products = {p.id: p for p in session.scalars(sa.select(Product).where(Product.id.in_(ids)))}
    kits = [pid for pid in ids if products[pid].is_kit]
    parts: dict[int, list[tuple[Product, int]]] = defaultdict(list)
    if kits:
        for kc, part in session.execute(sa.select(KitComponent, Product).join(
                Product, Product.id == KitComponent.component_id)
                .where(KitComponent.kit_id.in_(kits))):
            parts[kc.kit_id].append((part, kc.quantity))
    needs = []
    for line in shipment.lines:
        if line.product_id in parts:
            kit = products[line.product_id].sku
            needs += [Need(line.id, part.id, part.sku, qty, line.quantity, kit)
                      for part, qty in parts[line.product_id]]
        else:
            product = products[line.product_id]
            needs.append(Need(line.id, product.id, product.sku, 1, line.quantity))
    _count_scans(session, shipment.id, needs)
    return needs


def _good_scans(shipment_id: int):
    return sa.and_(ScanEvent.shipment_id == shipment_id, ScanEvent.context == "pack",
                   ScanEvent.result == ScanResult.ok, ScanEvent.undone.is_(False),
                   ScanEvent.shipment_line_id.is_not(None))


def _count_scans(session: Session, shipment_id: int, needs: list[Need]) -> None:
    by_key = {(n.line_id, n.product_id): n for n in needs}
    for line_id, product_id, qty in session.execute(
            sa.select(ScanEvent.shipment_line_id, ScanEvent.product_id,
                      sa.func.sum(ScanEvent.quantity))
            .where(_good_scans(shipment_id))
            .group_by(ScanEvent.shipment_line_id, ScanEvent.product_id)):
        if (line_id, product_id) in by_key:
            by_key[(line_id, product_id)].scanned = int(qty)


def _sync_packed(session: Session, shipment: Shipment, needs: list[Need]) -> None:
    """packed_qty of each line (whole kits only) and each package's contents."""
    for line in shipment.lines:
        mine = [n for n in needs if n.line_id == line.id]
        line.packed_qty = min(n.scanned // n.per_unit for n in mine) if mine else 0
    contents: dict[int, dict[str, int]] = defaultdict(dict)
    for number, sku, qty in session.execute(
            sa.select(ScanEvent.package_no, Product.sku, sa.func.sum(ScanEvent.quantity))
            .join(Product, Product.id == ScanEvent.product_id)
            .where(_good_scans(shipment.id))
            .group_by(ScanEvent.package_no, Product.sku)):
        contents[number or 1][sku] = int(qty)
    for package in shipment.packages:
        package.contents = contents.get(package.number) or None


def _ensure_package(shipment: Shipment) -> Package:
    if not shipment.packages:
        shipment.packages.append(Package(number=1))
    return shipment.packages[-1]


def _load(session: Session, shipment_id: int, *,
          locked: bool = True) -> tuple[Shipment, list[Need]]:
    shipment = _shipment(session, shipment_id, locked=locked)
    return shipment, _needs(session, shipment)


# -- opening a shipment ---------------------------------------------------------------------
def find_shipment(session: Session, scan: Scan) -> Shipment:
    """The packable shipment a scan names: order (ORD-<id> or its number), shipment,
    tote (the latest slot holding it) or pick-list slot (PL-<id>-<slot>)."""
    if scan.kind == ScanKind.shipment:
        return _shipment(session, scan.number)
    if scan.kind in (ScanKind.tote, ScanKind.pick_slot):
        return _shipment(session, _slot_shipment(session, scan))
    order = order_by_ref(session, scan.raw.strip())
    shipment_id = session.scalar(sa.select(Shipment.id).where(
        Shipment.order_id == order.id, Shipment.status.in_(PACKABLE)).order_by(Shipment.id))
    if shipment_id is None:
        raise NotFound(f"Order {order.number} has no shipment waiting to be packed")
    return _shipment(session, shipment_id)


def _slot_shipment(session: Session, scan: Scan) -> int:
    query = sa.select(PickListSlot.shipment_id).join(
        Shipment, Shipment.id == PickListSlot.shipment_id).where(Shipment.status.in_(PACKABLE))
    if scan.kind == ScanKind.tote:
        query = query.where(PickListSlot.tote == f"TOTE-{scan.number}")
    else:
        query = query.where(PickListSlot.pick_list_id == scan.number,
                            PickListSlot.slot == scan.slot)
    shipment_id = session.scalar(query.order_by(PickListSlot.id.desc()).limit(1))
    if shipment_id is None:
        raise NotFound(f"Nothing waiting to be packed in {scan.raw.strip()}")
    return shipment_id


def open_shipment(db: Database, *, actor: Actor, value: str) -> PackView:
    require(actor, "floor.pack")
    with db.uow() as uow:
        s = uow.session
        shipment = find_shipment(s, parse_scan(value))
        if shipment.status not in PACKABLE:
            raise _not_packable(s, shipment, "nothing to pack")
        _ensure_package(shipment)
        record_scan(s, actor, context="pack", value=value, kind=parse_scan(value).kind.value,
                    result=ScanResult.ok, message=f"Opened {shipment.label}",
                    order_id=shipment.order_id, shipment_id=shipment.id)
        needs = _needs(s, shipment)
        view = pack_view(s, shipment, needs)
        uow.commit()
        return view


def _not_packable(session: Session, shipment: Shipment, what: str) -> OmsError:
    """Packed (or cancelled) meanwhile: say by whom; otherwise what it is."""
    return refusal(session, "shipment", shipment.id, shipment.label,
                   moved_from=frozenset(s.value for s in PACKABLE)) or \
        ValidationError(f"{shipment.label} is {shipment.status.value}: {what}")


def view(db: Database, shipment_id: int) -> PackView:
    with db.uow(readonly=True) as uow:
        shipment, needs = _load(uow.session, shipment_id, locked=False)
        return pack_view(uow.session, shipment, needs)


# -- scanning items -------------------------------------------------------------------------
def quantity_limit(session: Session) -> int:
    return int(settings.get(session, "floor.quantity_limit", DEFAULT_QUANTITY_LIMIT))


def set_quantity_limit(db: Database, *, actor: Actor, limit: int) -> None:
    require(actor, "floor.quantity_limit")
    if limit < 1:
        raise ValidationError("The quantity limit must be at least 1")
    with db.uow() as uow:
        settings.put(uow.session, "floor.quantity_limit", limit)
        uow.commit()


def scan_item(db: Database, *, actor: Actor, shipment_id: int, value: str,
              quantity: int = 1, approved_by: Actor | None = None) -> PackFeedback:
    """One item scan (times `quantity` from the quantity key): tick units or refuse. A
    quantity above the limit needs a supervisor's approval (`approved_by`, users.approval)."""
    require(actor, "floor.pack")
    if approved_by is not None:
        require(approved_by, "floor.quantity_limit")
    with db.uow() as uow:
        s = uow.session
        shipment, needs = _load(s, shipment_id)
        parsed = parse_scan(value)
        verdict = _judge(s, shipment, needs, parsed, quantity, approved_by is not None)
        package = _ensure_package(shipment)
        fields = {"product_id": verdict.product_id} if verdict.product_id else {}
        if verdict.ok:
            pack_scan.apply(needs, verdict)
            fields.update(quantity=verdict.units, shipment_line_id=verdict.line_id)
        record_scan(s, actor, context="pack", value=value, kind=parsed.kind.value,
                    result=ScanResult(verdict.outcome.value), message=verdict.message,
                    order_id=shipment.order_id, shipment_id=shipment.id,
                    package_no=package.number, **fields)
        if verdict.ok:
            _tick(shipment, needs, package, verdict)
        feedback = PackFeedback(verdict.ok, verdict.outcome.value, verdict.message,
                                pack_view(s, shipment, needs))
        uow.commit()
        return feedback


def _tick(shipment: Shipment, needs: list[Need], package: Package, verdict) -> None:
    """Carry a good scan (already counted in `needs`) into the line and the package,
    without reading the scan trail again."""
    line = next(l for l in shipment.lines if l.id == verdict.line_id)
    mine = [n for n in needs if n.line_id == line.id]
    line.packed_qty = min(n.scanned // n.per_unit for n in mine)
    sku = next(n.sku for n in mine if n.product_id == verdict.product_id)
    contents = dict(package.contents or {})
    contents[sku] = contents.get(sku, 0) + verdict.units
    package.contents = contents


def _judge(s: Session, shipment: Shipment, needs: list[Need], parsed: Scan,
           quantity: int, approved: bool = False) -> pack_scan.Verdict:
    refused = None if shipment.status in PACKABLE else \
        f"{shipment.label} is {shipment.status.value}"
    product = product_for_scan(s, parsed) if parsed.ok and not refused else None
    found = pack_scan.ScannedProduct(product.id, product.sku, product.name) if product else None
    limited = quantity > 1 and not approved
    return pack_scan.judge(needs, parsed, found, quantity=quantity, refused=refused,
                           limit=quantity_limit(s) if limited else quantity)


def undo_last(db: Database, *, actor: Actor, shipment_id: int) -> PackFeedback:
    require(actor, "floor.pack")
    with db.uow() as uow:
        s = uow.session
        shipment = _shipment(s, shipment_id)
        if shipment.status not in PACKABLE:
            raise _not_packable(s, shipment, "nothing to undo")
        event = s.scalar(sa.select(ScanEvent).where(_good_scans(shipment.id))
                         .order_by(ScanEvent.id.desc()).limit(1))
        if event is None:
            raise ValidationError("Nothing to undo")
        event.undone = True
        product = s.get(Product, event.product_id)
        message = f"Undone: {event.quantity} x {product.sku}"
        record_scan(s, actor, context="pack", value="UNDO", kind="undo", result=ScanResult.ok,
                    message=message, order_id=shipment.order_id, shipment_id=shipment.id,
                    detail={"undid": event.id})
        s.flush()
        needs = _needs(s, shipment)
        _sync_packed(s, shipment, needs)
        feedback = PackFeedback(True, "undone", message, pack_view(s, shipment, needs))
        uow.commit()
        return feedback


# -- packages and completion ----------------------------------------------------------------
def new_package(db: Database, *, actor: Actor, shipment_id: int, weight_g: int | None = None,
                box_code: str | None = None) -> PackView:
    """Close the current package (weight, box from the catalogue: its dimensions and tare)
    and start the next; scans go there."""
    require(actor, "floor.pack")
    with db.uow() as uow:
        s = uow.session
        shipment, needs = _load(s, shipment_id)
        current = _ensure_package(shipment)
        if not current.contents:
            raise _empty(s, shipment, current)
        close_package(s, current, weight_g=weight_g, box_code=box_code)
        shipment.packages.append(Package(number=current.number + 1))
        shipment.order.audit.add(AuditEvent.of(
            actor, entity="shipment", entity_id=shipment.id, order_id=shipment.order_id,
            action="new_package", detail={"package": current.number + 1}))
        view = pack_view(s, shipment, needs)
        uow.commit()
        return view


def _empty(session: Session, shipment: Shipment, package: Package) -> OmsError:
    """An empty current package: started by someone (maybe at another station) who has not
    scanned into it yet."""
    started = refusal(session, "shipment", shipment.id, f"{shipment.label} package "
                      f"{package.number}", actions=("new_package",)) if package.number > 1 \
        else None
    if started is None:
        return ValidationError(f"Package {package.number} is empty: scan an item first")
    return ConcurrentChange(f"{started}; scan an item into it first")


def complete(db: Database, *, actor: Actor, shipment_id: int, weight_g: int | None = None,
             box_code: str | None = None) -> PackView:
    """Every unit scanned: the shipment is packed ("shipment.packed" is published)."""
    require(actor, "floor.pack")
    with db.uow() as uow:
        s = uow.session
        shipment, needs = _load(s, shipment_id)
        left = sum(n.left for n in needs)
        if left:
            raise ValidationError(f"{plural(left, 'unit')} still to scan: {pack_scan.expected(needs)}")
        close_package(s, _ensure_package(shipment), weight_g=weight_g, box_code=box_code)
        shipment.packages[:] = [p for p in shipment.packages if p.contents]
        shipment.pack(by=actor)
        messagebus.publish(s, events.ShipmentPacked(actor=actor, order_id=shipment.order_id,
                                       shipment_id=shipment.id))
        view = pack_view(s, shipment, needs)
        uow.commit()
        return view


@dataclass(frozen=True)
class TrailRow:
    at: object
    actor: str
    station: str | None
    shipment: str | None
    value: str
    result: str
    message: str | None
    quantity: int
    package_no: int | None
    undone: bool


def scan_trail(db: Database, order_ref: str) -> list[TrailRow]:
    """Every scan for an order, oldest first: who scanned what, where, and what came of it."""
    with db.uow(readonly=True) as uow:
        order: Order = order_by_ref(uow.session, order_ref)
        rows = uow.session.scalars(sa.select(ScanEvent).where(ScanEvent.order_id == order.id)
                                   .order_by(ScanEvent.id))
        return [TrailRow(e.at, e.actor_name, e.station,
                         f"SHP-{e.shipment_id}" if e.shipment_id else None, e.value,
                         e.result.value, e.message, e.quantity, e.package_no, e.undone)
                for e in rows]
