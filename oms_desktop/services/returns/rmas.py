"""Return authorisations (RMAs): creating them from an order, finding them at intake, listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from oms_desktop.errors import ConcurrentChange, NotFound, ValidationError
from oms_desktop.model import (
    RETURN_FLOW, SHIPPED_STATES, Actor, Location, Order, Return, ReturnLine, ReturnStatus,
    Shipment, ShipmentLine,
)
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.services.conflicts import event_by_whom, last_event
from oms_desktop.services.users import scope
from oms_desktop.services.lookup import order_by_ref
from oms_desktop.storage import Database

DEFAULT_REASONS = ["changed_mind", "defective", "wrong_item_sent", "damaged_in_transit",
                   "not_as_described", "too_small", "too_large", "arrived_late"]
RESOLUTIONS = ("refund", "exchange", "credit")
CONDITIONS = ("resellable", "open_box", "damaged", "defective", "wrong_item")
DISPOSITIONS = ("restock", "quarantine", "refurbish", "scrap", "return_to_vendor")


class NoReturnAuthorisation(NotFound):
    """A parcel for an order that has no RMA yet: the bench may create one."""

    def __init__(self, order_ref: str):
        super().__init__(f"Order {order_ref} has no return authorisation yet")
        self.order_ref = order_ref


_LOAD = (selectinload(Return.lines).selectinload(ReturnLine.units),
         selectinload(Return.lines).selectinload(ReturnLine.product),
         selectinload(Return.lines).selectinload(ReturnLine.order_line))


@dataclass(frozen=True)
class RequestedLine:
    sku: str
    quantity: int
    reason: str
    sub_reason: str | None = None


@dataclass(frozen=True)
class RmaLineView:
    sku: str
    quantity: int
    reason: str
    sub_reason: str | None
    received: int
    unexpected: bool
    units: list[tuple[str, str]]  # (condition, disposition) per received unit

    @property
    def missing(self) -> int:
        return 0 if self.unexpected else max(self.quantity - self.received, 0)


@dataclass(frozen=True)
class RmaView:
    id: int
    rma_number: str
    order_id: int
    order_number: str
    customer: str | None
    status: str
    resolution: str
    method: str
    tracking_number: str | None
    created_at: datetime
    lines: list[RmaLineView]


def view(rma: Return) -> RmaView:
    lines = [RmaLineView(l.product.sku if l.product else l.order_line.sku, l.quantity,
                         l.reason_code, l.sub_reason, l.received_qty, l.unexpected,
                         [(u.condition, u.disposition) for u in l.units]) for l in rma.lines]
    return RmaView(rma.id, rma.rma_number, rma.order_id, rma.order.number, rma.order.ship_name,
                   rma.status.value, rma.resolution, rma.method, rma.tracking_number,
                   rma.created_at, lines)


def returnable(session: Session, order: Order) -> dict[int, int]:
    """Per order line: units shipped minus units already on a (not rejected) RMA."""
    shipped = dict(session.execute(
        sa.select(ShipmentLine.order_line_id, sa.func.sum(ShipmentLine.quantity))
        .join(Shipment).where(Shipment.order_id == order.id,
                              Shipment.status.in_(SHIPPED_STATES))
        .group_by(ShipmentLine.order_line_id)).all())
    claimed = dict(session.execute(
        sa.select(ReturnLine.order_line_id, sa.func.sum(ReturnLine.quantity))
        .join(Return).where(Return.order_id == order.id,
                            Return.status != ReturnStatus.rejected,
                            ReturnLine.unexpected.is_(False))
        .group_by(ReturnLine.order_line_id)).all())
    return {line.id: int(shipped.get(line.id, 0)) - int(claimed.get(line.id, 0))
            for line in order.lines}


def create_rma(db: Database, *, actor: Actor, order: str | int, lines: list[RequestedLine],
               resolution: str = "refund", method: str = "customer_arranged",
               approved_by: Actor | None = None) -> RmaView:
    """Authorise a return of shipped units; never more than shipped minus already returned.
    At a bench without an RMA, a packer creates one with a supervisor's approval
    (`approved_by`, a signed-in supervisor)."""
    require(approved_by or actor, "returns.create")
    if resolution not in RESOLUTIONS:
        raise ValidationError(f"Resolution must be one of {', '.join(RESOLUTIONS)}")
    if not lines:
        raise ValidationError("A return needs at least one line")
    with db.uow() as uow:
        s = uow.session
        target = lock_order(s, order_by_ref(s, order).id)
        reasons = _reasons(s)
        rma = Return(rma_number="pending", order=target, resolution=resolution, method=method,
                     location_id=_origin(s, target))
        left = returnable(s, target)
        for req in lines:
            rma.lines.append(_line(s, target, req, left, reasons))
        s.add(rma)
        s.flush()
        rma.rma_number = f"RMA-{rma.id:06d}"
        rma.authorize(by=actor, approved_by=approved_by)
        uow.commit()
        return view(rma)


def _reasons(session: Session) -> list[str]:
    return list(settings.get(session, "returns.reasons", DEFAULT_REASONS))


def reasons(db: Database) -> list[str]:
    """The configured return reason codes."""
    with db.uow(readonly=True) as uow:
        return _reasons(uow.session)


@dataclass(frozen=True)
class ReturnableLine:
    sku: str
    name: str
    returnable: int


def returnable_lines(db: Database, order: str | int) -> tuple[str, list[ReturnableLine]]:
    """The order's number and, per line, how many units may still come back."""
    with db.uow(readonly=True) as uow:
        target = order_by_ref(uow.session, order)
        left = returnable(uow.session, target)
        return target.number, [ReturnableLine(l.sku, l.name, left[l.id]) for l in target.lines
                               if left[l.id] > 0]


def lock_order(session: Session, order_id: int) -> Order:
    """The order, its row locked until the end of the transaction (PostgreSQL; SQLite's
    writing transactions are serialised by BEGIN IMMEDIATE): every returns use case that
    decides from the order's RMAs or refunds takes this lock first, then the RMA's."""
    return session.scalars(sa.select(Order).where(Order.id == order_id)
                           .with_for_update(of=Order).execution_options(
                               populate_existing=True)).one()


def _line(session: Session, order: Order, req: RequestedLine, left: dict[int, int],
          reasons: list[str]) -> ReturnLine:
    if req.reason not in reasons:
        raise ValidationError(f"Unknown return reason {req.reason!r}: one of {', '.join(reasons)}")
    matches = [l for l in order.lines if l.sku == req.sku]
    if not matches:
        raise ValidationError(f"{req.sku} is not on order {order.number}")
    line = max(matches, key=lambda l: left[l.id])
    if req.quantity > 0 and left[line.id] == 0:
        _already_claimed(session, order, line.id, req.sku)
    if req.quantity <= 0 or req.quantity > left[line.id]:
        raise ValidationError(
            f"Cannot return {req.quantity} x {req.sku} on order {order.number}: "
            f"{left[line.id]} shipped and not yet returned")
    left[line.id] -= req.quantity
    return ReturnLine(order_line=line, product_id=line.product_id, quantity=req.quantity,
                      reason_code=req.reason, sub_reason=req.sub_reason)


def _already_claimed(session: Session, order: Order, line_id: int, sku: str) -> None:
    """Every shipped unit of the line is on an RMA: name the newest one."""
    rma = session.scalars(sa.select(Return).join(ReturnLine).where(
        ReturnLine.order_line_id == line_id, Return.status != ReturnStatus.rejected)
        .order_by(Return.id.desc()).limit(1)).first()
    if rma is not None:
        event = last_event(session, "return", rma.id, action="authorize")
        raise ConcurrentChange(f"{sku} on order {order.number} is already on {rma.rma_number} "
                          f"(authorised {event_by_whom(event)})")


# How far along an RMA is: a verb whose target is at or behind the RMA was done already.
_PROGRESS = {ReturnStatus.requested: 0, ReturnStatus.authorized: 1, ReturnStatus.received: 2,
             ReturnStatus.inspected: 3, ReturnStatus.refunded: 4, ReturnStatus.rejected: 4,
             ReturnStatus.closed: 5}
PAST = {ReturnStatus.requested: "requested", ReturnStatus.authorized: "authorised",
        ReturnStatus.received: "received", ReturnStatus.inspected: "inspected",
        ReturnStatus.refunded: "refunded", ReturnStatus.rejected: "rejected",
        ReturnStatus.closed: "closed"}


def guard(session: Session, rma: Return, verb: str) -> None:
    """Refuse a verb another station (or an earlier click) made pointless, naming who moved
    the RMA where it is and when; any other wrong state is left to the state machine."""
    sources, target = RETURN_FLOW.transitions[verb]
    if rma.status in sources or _PROGRESS[rma.status] < _PROGRESS[target]:
        return
    event = last_event(session, "return", rma.id, to_state=rma.status.value)
    raise ConcurrentChange(f"{rma.rma_number} was {PAST[rma.status]} {event_by_whom(event)}")


def _origin(session: Session, order: Order) -> int | None:
    """Returns come back by default to the site that shipped the order."""
    return session.scalar(sa.select(Shipment.location_id).where(
        Shipment.order_id == order.id, Shipment.status.in_(SHIPPED_STATES)).limit(1))


def load_rma(session: Session, ref: str, *, lock: bool = False) -> Return:
    """An RMA by its number, the return label's tracking number, or the order's reference
    (the newest open RMA of that order). `lock`: its order's row, then its own, are locked
    until the end of the transaction, so the caller decides on the latest committed state."""
    rma_id, order_id = _find_rma(session, ref.strip())
    query = sa.select(Return).options(*_LOAD).where(Return.id == rma_id)
    if lock:
        lock_order(session, order_id)
        query = query.with_for_update(of=Return).execution_options(populate_existing=True)
    return session.scalars(query).one()


def _find_rma(session: Session, ref: str) -> tuple[int, int]:
    found = session.execute(sa.select(Return.id, Return.order_id).where(
        sa.or_(Return.rma_number == ref.upper(), Return.tracking_number == ref))).first()
    if found is None:
        try:
            order = order_by_ref(session, ref)
        except NotFound:
            raise NotFound(f"No RMA, return tracking number or order {ref!r}") from None
        found = session.execute(sa.select(Return.id, Return.order_id).where(
            Return.order_id == order.id).order_by(Return.id.desc()).limit(1)).first()
        if found is None:
            raise NoReturnAuthorisation(order.number)
    return found.id, found.order_id


def find_rma(db: Database, ref: str, *, actor: Actor | None = None) -> RmaView:
    """An RMA by reference; NotFound for one outside what `actor` may see."""
    with db.uow(readonly=True) as uow:
        rma = load_rma(uow.session, ref)
        where = scope.returns_where(scope.of(uow.session, actor))
        if where and uow.session.scalar(sa.select(Return.id).where(Return.id == rma.id,
                                                                   *where)) is None:
            raise NotFound(f"No RMA, return tracking number or order {ref!r}")
        return view(rma)


def list_returns(db: Database, *, status: str | None = None, limit: int = 200,
                 actor: Actor | None = None) -> list[RmaView]:
    """The newest RMAs (of those `actor` may see)."""
    with db.uow(readonly=True) as uow:
        query = (sa.select(Return).options(*_LOAD, selectinload(Return.order))
                 .where(*scope.returns_where(scope.of(uow.session, actor)))
                 .order_by(Return.id.desc()).limit(limit))
        if status:
            if status not in ReturnStatus.__members__:
                raise ValidationError(f"Unknown status {status!r}: one of {', '.join(ReturnStatus)}")
            query = query.where(Return.status == ReturnStatus(status))
        return [view(r) for r in uow.session.scalars(query)]


def slip_pdf(db: Database, rma: RmaView) -> bytes:
    """The RMA slip, with the brand of the order's channel (name and logo) when it has one."""
    from oms_desktop.documents import rma_slip
    from oms_desktop.services.brands import profiles

    with db.uow(readonly=True) as uow:
        brand = profiles.for_order(uow.session, load_rma(uow.session, rma.rma_number).order_id)
    data = rma_slip.collect(rma, return_to=return_address(db, rma.rma_number),
                            brand=brand.sender_name if brand else None,
                            logo_path=brand.logo_path if brand else None)
    return rma_slip.render(data)


def return_address(db: Database, rma: str) -> list[str]:
    """Where the parcel goes: the brand's address (the brand of the order's channel), else
    the company's returns address from settings, else the site the order shipped from."""
    from oms_desktop.services.brands import profiles

    with db.uow(readonly=True) as uow:
        brand = profiles.for_order(uow.session, load_rma(uow.session, rma).order_id)
        if brand is not None and brand.street:
            return list(brand.address)
        configured = settings.get(uow.session, "company.return_address")
        if configured:
            return list(configured)
        ret = load_rma(uow.session, rma)
        site = uow.session.get(Location, ret.location_id) if ret.location_id else None
        if site is None:
            return ["(no return address configured: set company.return_address)"]
        city = " ".join(p for p in (site.city, site.region, site.postal_code) if p)
        return [p for p in (site.name, site.address_line1, city, site.country) if p]
