"""Pick lists (made in pick_lists.py) walked in bin order: the scan-to-pick flow. Scan the
list, go to the bin shown, scan the bin, scan the items (or a quantity), next. Short picks go
to an exception list; the last scan can be undone. Every step locks the list, so stations
working on one list take turns."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from oms_desktop.errors import NotFound, OmsError, ValidationError
from oms_desktop.model import (
    Actor, PickLineStatus, PickList, PickListKind, PickListLine, PickListStatus, Product,
    ProductBarcode, ScanEvent, ScanResult, ShipmentLine, ShipmentStatus, ShortPick, utcnow,
)
from oms_desktop.policies.permissions import require
from oms_desktop.policies.scan import Scan, ScanKind, gtin_candidates, parse_scan
from oms_desktop.services.floor.pick_views import (  # noqa: F401 - the views are part of this API
    PickFeedback,
    PickLineView,
    PickListView,
    SlotView,
    pick_list_view,
)
from oms_desktop.services.floor.pick_lists import (  # noqa: F401 - part of this API
    build_pick_list,
    create_for_orders,
    create_for_shipments,
    create_wave,
    load_shipments,
    wave_candidates,
)
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import Change, lock, told

# -- session helpers (reused by packing) ----------------------------------------------------
def product_for_scan(session: Session, scan: Scan) -> Product | None:
    """The product a scan names: by GTIN (any length), by SKU, or by another barcode."""
    codes = gtin_candidates(scan.gtin) if scan.gtin else [scan.value]
    product = None
    if not scan.gtin:
        product = session.scalar(sa.select(Product).where(Product.sku == scan.value))
    if product is None:
        product = session.scalar(sa.select(Product).join(ProductBarcode)
                                 .where(ProductBarcode.code.in_(codes)).limit(1))
    return product


def record_scan(session: Session, actor: Actor, *, context: str, value: str, kind: str,
                result: ScanResult, message: str, **fields) -> ScanEvent:
    event = ScanEvent(context=context, actor_name=actor.name, actor_id=actor.user_id,
                      station=actor.station, value=value[:255], kind=kind[:16], result=result,
                      message=message[:255], at=utcnow(), **fields)
    session.add(event)
    return event


def get_pick_list(db: Database, pick_list_id: int) -> PickListView:
    with db.uow(readonly=True) as uow:
        return pick_list_view(uow.session, _pick_list(uow.session, pick_list_id))


def _pick_list(session: Session, pick_list_id: int, *, locked: bool = False) -> PickList:
    """A pick list with its lines; `locked` for a scan, a short pick or an undo, which
    then take turns on one list."""
    options = [selectinload(PickList.lines).selectinload(PickListLine.items),
               selectinload(PickList.slots)]
    pick_list = lock(session, PickList, pick_list_id, options=options) if locked else \
        session.get(PickList, pick_list_id, options=options)
    if pick_list is None:
        raise NotFound(f"No pick list PL-{pick_list_id}")
    return pick_list


# -- the scan-to-pick flow ------------------------------------------------------------------
def current_line(pick_list: PickList) -> PickListLine | None:
    return next((l for l in pick_list.lines if l.remaining > 0), None)


def scan(db: Database, *, actor: Actor, pick_list_id: int, value: str,
         quantity: int = 1) -> PickFeedback:
    """One scan at the picking screen: the list, the bin shown, or an item of that bin."""
    require(actor, "floor.pick")
    with db.uow() as uow:
        s = uow.session
        pick_list = _pick_list(s, pick_list_id, locked=True)
        parsed = parse_scan(value)
        result, message, fields = _pick_step(s, pick_list, parsed, quantity)
        record_scan(s, actor, context="pick", value=value, kind=parsed.kind.value,
                    result=result, message=message, pick_list_id=pick_list.id, **fields)
        if result == ScanResult.ok:
            _maybe_finish(s, pick_list, actor)
        uow.commit()
        return PickFeedback(result == ScanResult.ok, result.value, message,
                            pick_list_view(s, pick_list), fields.get("detail") or {})


def _pick_step(s: Session, pick_list: PickList, parsed: Scan, quantity: int):
    if pick_list.status in (PickListStatus.done, PickListStatus.cancelled):
        return ScanResult.refused, f"{pick_list.label} is {pick_list.status.value}", {}
    if parsed.kind == ScanKind.pick_list:
        return _list_scanned(pick_list, parsed)
    line = current_line(pick_list)
    if line is None:
        return ScanResult.refused, "Every line is done", {}
    if pick_list.confirmed_line_id != line.id:
        return _bin_step(pick_list, line, parsed)
    if parsed.value.casefold() == line.bin_code.casefold():
        return ScanResult.ok, f"Bin {line.bin_code} confirmed: pick {line.remaining} x {line.sku}", {}
    return _item_step(s, pick_list, line, parsed, quantity)


def _list_scanned(pick_list: PickList, parsed: Scan):
    if parsed.number != pick_list.id:
        return ScanResult.refused, f"This is {pick_list.label}, not PL-{parsed.number}", {}
    pick_list.status = PickListStatus.picking
    line = current_line(pick_list)
    return ScanResult.ok, f"Go to bin {line.bin_code}" if line else "Every line is done", {}


def _bin_step(pick_list: PickList, line: PickListLine, parsed: Scan):
    if parsed.value.casefold() != line.bin_code.casefold():
        return (ScanResult.wrong_bin, f"Wrong bin: scan bin {line.bin_code} first",
                {"detail": {"expected_bin": line.bin_code}})
    pick_list.status = PickListStatus.picking
    pick_list.confirmed_line_id = line.id
    return (ScanResult.ok, f"Bin {line.bin_code}: pick {line.remaining} x {line.sku}",
            {"detail": {"confirm": line.id}})


def _item_step(s: Session, pick_list: PickList, line: PickListLine, parsed: Scan,
               quantity: int):
    product = product_for_scan(s, parsed)
    expected = f"{line.sku} ({line.description}) from bin {line.bin_code}"
    if product is None or product.id != line.product_id:
        what = product.sku if product else parsed.value
        return (ScanResult.wrong_item, f"Wrong item {what}: expected {expected}",
                {"product_id": product.id if product else None})
    units = parsed.quantity * quantity
    if units > line.remaining:
        return (ScanResult.over_scan, f"Too many: {line.remaining} x {line.sku} left here",
                {"product_id": product.id})
    put = _take_units(s, line, units)
    if line.remaining == 0:
        line.status, pick_list.confirmed_line_id = PickLineStatus.picked, None
    return ScanResult.ok, _put_message(line, put, pick_list), {
        "product_id": product.id, "quantity": units, "detail": {"items": put}}


def _take_units(s: Session, line: PickListLine, units: int) -> dict[str, int]:
    """Count units against the line's items in slot order: {item_id: units}."""
    put: dict[str, int] = {}
    for item in line.items:
        take = min(units, item.quantity - item.picked_qty)
        if take <= 0:
            continue
        item.picked_qty += take
        put[str(item.id)] = take
        s.execute(sa.update(ShipmentLine).where(ShipmentLine.id == item.shipment_line_id)
                  .values(picked_qty=ShipmentLine.picked_qty + take))
        units -= take
        if not units:
            break
    line.picked_qty += sum(put.values())
    return put


def _put_message(line: PickListLine, put: dict[str, int], pick_list: PickList) -> str:
    slots = {i.id: i.slot for i in line.items}
    where = ", ".join(f"{n} into slot {slots[int(i)]}" for i, n in put.items())
    following = current_line(pick_list)
    tail = f" Next: bin {following.bin_code}" if line.remaining == 0 and following else ""
    return f"{line.sku}: put {where}.{tail}" if pick_list.kind != PickListKind.single \
        else f"{line.sku}: {line.picked_qty}/{line.quantity}.{tail}"


def _maybe_finish(s: Session, pick_list: PickList, actor: Actor) -> None:
    if current_line(pick_list) is not None:
        return
    pick_list.status, pick_list.finished_at = PickListStatus.done, utcnow()
    for slot in pick_list.slots:
        slot.open = False
    shorted = {i.shipment_id for l in pick_list.lines for i in l.items
               if i.picked_qty < i.quantity}
    for shipment in load_shipments(s, [slot.shipment_id for slot in pick_list.slots]):
        if shipment.id not in shorted and shipment.status == ShipmentStatus.picking:
            shipment.finish_picking(by=actor)


def short_pick(db: Database, *, actor: Actor, pick_list_id: int, reason: str,
               line_id: int | None = None) -> PickFeedback:
    """The units left on the current line are not there: each order's share goes to the
    exception list with the reason, and the walk goes on. `line_id` is the line the picker
    sees; once another station moved the walk past it, the short pick is refused."""
    require(actor, "floor.pick")
    if not reason.strip():
        raise ValidationError("A short pick needs a reason")
    with db.uow() as uow:
        s = uow.session
        pick_list = _pick_list(s, pick_list_id, locked=True)
        line = current_line(pick_list)
        if line_id is not None and (line is None or line.id != line_id):
            raise _passed(s, pick_list, line_id)
        if line is None or pick_list.status == PickListStatus.done:
            raise ValidationError(f"{pick_list.label} has no open line")
        missing = line.remaining
        for item in line.items:
            left = item.quantity - item.picked_qty
            if left > 0:
                s.add(ShortPick(pick_list_id=pick_list.id, line_id=line.id,
                                shipment_id=item.shipment_id,
                                shipment_line_id=item.shipment_line_id,
                                product_id=line.product_id, bin_id=line.bin_id, quantity=left,
                                reason=reason.strip(), reported_by=actor.name,
                                reported_at=utcnow()))
        line.short_qty, line.status = missing, PickLineStatus.short
        pick_list.confirmed_line_id = None
        message = f"Short {missing} x {line.sku} at {line.bin_code}: {reason.strip()}"
        record_scan(s, actor, context="pick", value="SHORT", kind="short",
                    result=ScanResult.ok, message=message, pick_list_id=pick_list.id,
                    product_id=line.product_id, quantity=missing,
                    detail={"short_line": line.id})
        _maybe_finish(s, pick_list, actor)
        uow.commit()
        return PickFeedback(True, "short", message, pick_list_view(s, pick_list), {})


def _passed(session: Session, pick_list: PickList, line_id: int) -> OmsError:
    """The walk is past the line the picker saw: who short-picked or picked it, and when."""
    line = next((l for l in pick_list.lines if l.id == line_id), None)
    if line is None:
        return NotFound(f"{pick_list.label} has no line {line_id}")
    subject = f"Line {line.seq} of {pick_list.label} ({line.sku} at {line.bin_code})"
    short = session.execute(sa.select(ShortPick.reported_by, ShortPick.reported_at).where(
        ShortPick.line_id == line.id).order_by(ShortPick.id.desc()).limit(1)).first()
    if short is not None:
        return told(subject, Change("short_pick", short[0], None, short[1]))
    return ValidationError(f"{subject} is {line.status.value}: nothing left to short-pick")


def undo_last(db: Database, *, actor: Actor, pick_list_id: int) -> PickFeedback:
    """Take back the last good bin or item scan of an unfinished list."""
    require(actor, "floor.pick")
    with db.uow() as uow:
        s = uow.session
        pick_list = _pick_list(s, pick_list_id, locked=True)
        if pick_list.status == PickListStatus.done:
            raise ValidationError(f"{pick_list.label} is finished; nothing to undo")
        event = s.scalar(sa.select(ScanEvent).where(
            ScanEvent.pick_list_id == pick_list.id, ScanEvent.context == "pick",
            ScanEvent.result == ScanResult.ok, ScanEvent.undone.is_(False),
            ScanEvent.detail.is_not(None), ScanEvent.kind != "undo")
            .order_by(ScanEvent.id.desc()).limit(1))
        if event is None or "short_line" in (event.detail or {}):
            raise ValidationError("Nothing to undo")
        message = _reverse(s, pick_list, event)
        event.undone = True
        record_scan(s, actor, context="pick", value="UNDO", kind="undo", result=ScanResult.ok,
                    message=message, pick_list_id=pick_list.id, detail={"undid": event.id})
        uow.commit()
        return PickFeedback(True, "undone", message, pick_list_view(s, pick_list), {})


def _reverse(s: Session, pick_list: PickList, event: ScanEvent) -> str:
    detail = event.detail or {}
    if "confirm" in detail:
        pick_list.confirmed_line_id = None
        return "Undone: bin scan"
    items = {i.id: (l, i) for l in pick_list.lines for i in l.items}
    line = None
    for item_id, units in detail.get("items", {}).items():
        line, item = items[int(item_id)]
        item.picked_qty -= units
        line.picked_qty -= units
        s.execute(sa.update(ShipmentLine).where(ShipmentLine.id == item.shipment_line_id)
                  .values(picked_qty=ShipmentLine.picked_qty - units))
    if line is not None:
        line.status, pick_list.confirmed_line_id = PickLineStatus.open, line.id
    return f"Undone: {event.quantity} x {line.sku if line else '?'}"
