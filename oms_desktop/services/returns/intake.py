"""Receiving returned units: match each scanned unit to its RMA line, grade it, and put it
where its disposition says (restock → a sellable bin at once, through a stock move)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import ConcurrentChange, ValidationError
from oms_desktop.model import (
    Actor, AuditEvent, Location, LocationKind, MoveReason, Return, ReturnLine, ReturnStatus,
    ReturnUnit,
)
from oms_desktop.policies.permissions import require
from oms_desktop.services.events import ReturnReceived
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.inventory.catalog import add_location
from oms_desktop.services.lookup import location_by_code, product_by_code, virtual_location
from oms_desktop.services.conflicts import by_whom
from oms_desktop.services.messagebus import publish
from oms_desktop.services.returns.rmas import (
    CONDITIONS, DISPOSITIONS, RmaView, guard, load_rma, view,
)
from oms_desktop.storage import Database

# disposition -> (where the unit goes, why)
_SELLABLE, _QUARANTINE = "sellable", "quarantine"
_TARGETS = {
    "restock": (_SELLABLE, MoveReason.customer_return),
    "quarantine": (_QUARANTINE, MoveReason.customer_return),
    "refurbish": (_QUARANTINE, MoveReason.customer_return),
    "scrap": (LocationKind.inventory, MoveReason.scrap),
    "return_to_vendor": (LocationKind.supplier, MoveReason.vendor_return),
}


@dataclass(frozen=True)
class UnitResult:
    ok: bool
    message: str
    rma: RmaView


def receive_unit(db: Database, *, actor: Actor, rma: str, code: str, condition: str,
                 disposition: str, location: str | None = None,
                 seen: int | None = None) -> UnitResult:
    """One scanned unit. A unit not on the RMA is recorded as unexpected, never lost.
    `seen`: how many units of the RMA the station showed as received; if another station
    received one meanwhile, this scan is refused (it is most likely the same unit). Without
    it, a unit beyond what the RMA expects of a product on it is refused."""
    require(actor, "returns.receive")
    _check_grade(condition, disposition)
    with db.uow() as uow:
        s = uow.session
        ret = load_rma(s, rma, lock=True)
        guard(s, ret, "inspect")
        if ret.status not in (ReturnStatus.authorized, ReturnStatus.received):
            raise ValidationError(f"{ret.rma_number} is {ret.status.value}: nothing to receive")
        product = product_by_code(s, code)
        _refuse_a_second_scan(ret, product, seen)
        line = _line_for(ret, product.id)
        here = _where(s, ret, location)
        if line is None:
            line = ReturnLine(product_id=product.id, quantity=0, reason_code="unexpected",
                              unexpected=True)
            ret.lines.append(line)
        line.received_qty += 1
        unit = ReturnUnit(condition=condition, disposition=disposition, location_id=here.id,
                          received_by=actor.name, station=actor.station)
        line.units.append(unit)
        unit.stock_move_id = _put_away(s, ret, product.id, here, disposition, actor).id
        if ret.status == ReturnStatus.authorized:
            ret.receive(by=actor)
        uow.commit()
        note = " (not on the RMA: recorded as unexpected)" if line.unexpected else ""
        return UnitResult(not line.unexpected,
                          f"{product.sku}: {condition}, {disposition}{note}", view(ret))


def finish_intake(db: Database, *, actor: Actor, rma: str) -> RmaView:
    """Close the inspection: missing units are recorded, the customer is told it arrived."""
    require(actor, "returns.receive")
    with db.uow() as uow:
        ret = load_rma(uow.session, rma, lock=True)
        guard(uow.session, ret, "inspect")
        missing = {l.product.sku: l.quantity - l.received_qty for l in ret.lines
                   if not l.unexpected and l.received_qty < l.quantity}
        unexpected = {l.product.sku: l.received_qty for l in ret.lines if l.unexpected}
        ret.inspect(by=actor)
        ret.order.audit.add(_note(actor, ret, missing, unexpected))
        publish(uow.session, ReturnReceived(actor=actor, order_id=ret.order_id,
                                            return_id=ret.id))
        uow.commit()
        return view(ret)


def _note(actor: Actor, ret: Return, missing: dict, unexpected: dict):
    return AuditEvent.of(actor, entity="return", entity_id=ret.id, order_id=ret.order_id,
                         action="intake_summary",
                         detail={"missing": missing, "unexpected": unexpected})


def _check_grade(condition: str, disposition: str) -> None:
    if condition not in CONDITIONS:
        raise ValidationError(f"Condition must be one of {', '.join(CONDITIONS)}")
    if disposition not in DISPOSITIONS:
        raise ValidationError(f"Disposition must be one of {', '.join(DISPOSITIONS)}")
    if disposition == "restock" and condition in ("damaged", "defective", "wrong_item"):
        raise ValidationError(f"A {condition} unit cannot be restocked as sellable: "
                              "quarantine, refurbish, scrap or return it to the vendor")


def _refuse_a_second_scan(ret: Return, product, seen: int | None) -> None:
    units = [u for l in ret.lines for u in l.units]
    if seen is not None and seen != len(units):
        _already_received(ret, max(units, key=lambda u: u.id).line)
    lines = [l for l in ret.lines if l.product_id == product.id]
    expected = sum(l.quantity for l in lines if not l.unexpected)
    if seen is None and expected and sum(l.received_qty for l in lines) >= expected:
        _already_received(ret, lines[0])


def _already_received(ret: Return, line: ReturnLine) -> None:
    """Name the newest unit of the line's product: who received it, when, how many are in."""
    lines = [l for l in ret.lines if l.product_id == line.product_id]
    last = max((u for l in lines for u in l.units), key=lambda u: u.id)
    expected = sum(l.quantity for l in lines if not l.unexpected)
    raise ConcurrentChange(f"{line.product.sku} on {ret.rma_number} was already received "
                      f"{by_whom(last.received_by, last.received_at)} "
                      f"({sum(l.received_qty for l in lines)} of {expected})")


def _line_for(ret: Return, product_id: int) -> ReturnLine | None:
    open_lines = [l for l in ret.lines if l.product_id == product_id and not l.unexpected
                  and l.received_qty < l.quantity]
    if open_lines:
        return open_lines[0]
    return next((l for l in ret.lines if l.product_id == product_id and l.unexpected), None)


def _where(session: Session, ret: Return, code: str | None) -> Location:
    if code:
        return location_by_code(session, code)
    if ret.location_id is None:
        raise ValidationError(f"Say where {ret.rma_number} is being received (a location code)")
    return session.get(Location, ret.location_id)


def _put_away(session: Session, ret: Return, product_id: int, here: Location,
              disposition: str, actor: Actor):
    target, reason = _TARGETS[disposition]
    if target == _SELLABLE:
        destination = _sellable_bin(session, here)
    elif target == _QUARANTINE:
        destination = _quarantine_bin(session, here)
    else:
        destination = virtual_location(session, target)
    customer = virtual_location(session, LocationKind.customer)
    return stock_ops.move(session, product_id=product_id, source=customer,
                          target=destination, quantity=1, reason=reason, by=actor,
                          reference=ret.rma_number, reason_code=disposition)


def _sellable_bin(session: Session, here: Location) -> Location:
    """A bin given as such, else the site's first sellable bin in walk order, else the site."""
    if here.kind == LocationKind.bin and here.sellable:
        return here
    site_id = here.site_id or here.id
    first = session.scalar(sa.select(Location).where(
        Location.site_id == site_id, Location.kind == LocationKind.bin,
        Location.sellable.is_(True)).order_by(Location.walk_sequence, Location.code).limit(1))
    return first or session.get(Location, site_id)


def _quarantine_bin(session: Session, here: Location) -> Location:
    """The site's quarantine bin (not sellable), created on first use."""
    site = session.get(Location, here.site_id or here.id)
    code = f"{site.code}-QUARANTINE"
    found = session.scalar(sa.select(Location).where(Location.code == code))
    return found or add_location(session, code=code, name="Returns quarantine",
                                 kind=LocationKind.bin, parent=site, sellable=False,
                                 ships_from=False)
