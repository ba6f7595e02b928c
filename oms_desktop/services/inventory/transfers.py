"""Stock transfers between two sites (franchise stores) that both sides confirm: either side
proposes (what, how many, from where to where); the sending site dispatches, and the units
leave its shelves for the pair's transit location; the receiving site receives, and they
arrive on its shelves. Each verb locks the transfer's row before it decides, so of two
stations dispatching (or receiving) at once one wins and the other is told who did it and
when; every change of stock is a move in the ledger, in the verb's one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import InsufficientStock, NotFound, PermissionDenied, ValidationError
from oms_desktop.model import (
    SITE_KINDS, TRANSFER_FLOW, Actor, Location, LocationKind, MoveReason, Product, StockLevel,
    StockTransfer, StockTransferLine, TransferStatus,
)
from oms_desktop.policies.permissions import require
from oms_desktop.services.events import StockChanged
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import location_by_code, product_by_code, row_id
from oms_desktop.services.messagebus import publish
from oms_desktop.services.users import scope
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import insert_unless_there, lock, locking
from oms_desktop.storage.crashpoints import crash_point


@dataclass(frozen=True)
class TransferLineView:
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True)
class TransferView:
    id: int
    label: str
    status: str
    from_site: str
    to_site: str
    note: str | None
    proposed_by: str
    proposed_at: datetime
    dispatched_by: str | None
    dispatched_at: datetime | None
    received_by: str | None
    received_at: datetime | None
    lines: tuple[TransferLineView, ...]
    allowed: tuple[str, ...]  # the verbs the state allows (the screen's buttons)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


# -- use cases ---------------------------------------------------------------------------
def propose(db: Database, *, actor: Actor, from_site: str, to_site: str,
            lines: list[tuple[str, int]], note: str | None = None) -> TransferView:
    """A transfer of `lines` (SKU or barcode, quantity) from one site to another, proposed
    by someone at either of them."""
    require(actor, "stock.move")
    with db.uow() as uow:
        s = uow.session
        source, target = _site(s, from_site), _site(s, to_site)
        if source.id == target.id:
            raise ValidationError("A transfer goes from one site to another")
        seen = scope.of(s, actor)
        if not (seen.sees_site(source.id) or seen.sees_site(target.id)):
            raise PermissionDenied(f"{actor.name} proposes transfers to or from their own "
                                   f"sites only, not {source.code} → {target.code}")
        transfer = StockTransfer(from_site_id=source.id, to_site_id=target.id,
                                 transit_location_id=_transit(s, source, target).id,
                                 proposed_by=actor.name, note=(note or "").strip() or None,
                                 lines=_lines(s, lines))
        s.add(transfer)
        s.flush()
        s.add(_proposed_event(actor, transfer))
        uow.commit()
        return _view(s, transfer)


def dispatch(db: Database, *, actor: Actor, transfer: int | str) -> TransferView:
    """The sending site confirms: every line leaves its shelves for the transit location."""
    require(actor, "stock.move")
    with db.uow() as uow:
        s = uow.session
        t = _locked(s, actor, transfer)
        _side(s, actor, t.from_site_id, "dispatch", t)
        s.add(t.dispatch(by=actor))
        transit = s.get(Location, t.transit_location_id)
        for line in t.lines:
            _send(s, actor, t, line, transit)
            crash_point("transfer.dispatch.line")  # a killed dispatch leaves nothing sent
        publish(s, StockChanged(actor=actor, product_ids=tuple(l.product_id for l in t.lines)))
        uow.commit()
        return _view(s, t)


def receive(db: Database, *, actor: Actor, transfer: int | str,
            location: str | None = None) -> TransferView:
    """The receiving site confirms: the units arrive at `location` (a bin of the site; the
    site itself by default)."""
    require(actor, "stock.receive")
    with db.uow() as uow:
        s = uow.session
        t = _locked(s, actor, transfer)
        _side(s, actor, t.to_site_id, "receive", t)
        s.add(t.receive(by=actor))
        target = _arrival(s, t, location)
        transit = s.get(Location, t.transit_location_id)
        for line in t.lines:
            stock_ops.move(s, product_id=line.product_id, source=transit, target=target,
                           quantity=line.quantity, reason=MoveReason.transfer, by=actor,
                           reference=t.label)
            crash_point("transfer.receive.line")
        publish(s, StockChanged(actor=actor, product_ids=tuple(l.product_id for l in t.lines)))
        uow.commit()
        return _view(s, t)


def cancel(db: Database, *, actor: Actor, transfer: int | str) -> TransferView:
    """Either side calls off a transfer not yet dispatched."""
    require(actor, "stock.move")
    with db.uow() as uow:
        s = uow.session
        t = _locked(s, actor, transfer)
        s.add(t.cancel(by=actor))
        uow.commit()
        return _view(s, t)


def list_transfers(db: Database, *, actor: Actor, status: str | None = None,
                   limit: int = 200) -> list[TransferView]:
    """The newest transfers to or from the sites the person sees."""
    require(actor, "stock.view")
    if status is not None and status not in TransferStatus.__members__:
        raise ValidationError(f"Unknown status {status!r}: one of {', '.join(TransferStatus)}")
    with db.uow(readonly=True) as uow:
        s = uow.session
        query = sa.select(StockTransfer).where(*_seen(s, actor)) \
            .order_by(StockTransfer.id.desc()).limit(limit)
        if status:
            query = query.where(StockTransfer.status == TransferStatus(status))
        return [_view(s, t) for t in s.scalars(query)]


def get_transfer(db: Database, *, actor: Actor, transfer: int | str) -> TransferView:
    require(actor, "stock.view")
    with db.uow(readonly=True) as uow:
        return _view(uow.session, _find(uow.session, actor, transfer))


# -- helpers -----------------------------------------------------------------------------
def _site(session: Session, code: str) -> Location:
    site = location_by_code(session, (code or "").strip())
    if site.kind not in SITE_KINDS:
        raise ValidationError(f"{site.code} is a {site.kind.value}, not a site "
                              "(a warehouse or a store)")
    return site


def _lines(session: Session, lines: list[tuple[str, int]]) -> list[StockTransferLine]:
    if not lines:
        raise ValidationError("A transfer needs at least one line (SKU and quantity)")
    wanted: dict[int, int] = {}
    for code, quantity in lines:
        if int(quantity) < 1:
            raise ValidationError(f"{code}: the quantity must be 1 or more, not {quantity}")
        product = product_by_code(session, str(code).strip())
        if product.is_kit:
            raise ValidationError(f"{product.sku} is a kit: transfer its components")
        wanted[product.id] = wanted.get(product.id, 0) + int(quantity)
    return [StockTransferLine(product_id=p, quantity=q) for p, q in wanted.items()]


def _transit(session: Session, source: Location, target: Location) -> Location:
    """The pair's transit location (made on first use): stock between the two sites."""
    code = f"TRANSIT-{source.code}-{target.code}"[:64]
    insert_unless_there(session, Location.__table__, ["code"], code=code,
                        name=f"In transit {source.code} → {target.code}",
                        kind=LocationKind.transit, sellable=False, ships_from=False,
                        priority=100, active=True)
    return session.scalar(sa.select(Location).where(Location.code == code))


def _seen(session: Session, actor: Actor) -> list:
    sites = scope.of(session, actor)
    if sites.everything:
        return []
    ids = sorted(sites.sites)
    return [sa.or_(StockTransfer.from_site_id.in_(ids), StockTransfer.to_site_id.in_(ids))]


def _find(session: Session, actor: Actor, ref: int | str) -> StockTransfer:
    number = row_id(ref, "TR-")
    found = session.scalar(sa.select(StockTransfer.id).where(
        StockTransfer.id == number, *_seen(session, actor))) if number else None
    if found is None:
        raise NotFound(f"No transfer {ref!r}")
    return session.get(StockTransfer, found)


def _locked(session: Session, actor: Actor, ref: int | str) -> StockTransfer:
    """The transfer with its row locked until commit, read afresh."""
    return lock(session, StockTransfer, _find(session, actor, ref).id)


def _side(session: Session, actor: Actor, site_id: int, verb: str, t: StockTransfer) -> None:
    if not scope.of(session, actor).sees_site(site_id):
        code = session.scalar(sa.select(Location.code).where(Location.id == site_id))
        raise PermissionDenied(f"Only {code} can {verb} {t.label}: {actor.name} works "
                               "elsewhere")


def _send(session: Session, actor: Actor, t: StockTransfer, line: StockTransferLine,
          transit: Location) -> None:
    """Take the line's units from the sending site's shelves, fullest first."""
    levels = session.execute(locking(
        sa.select(StockLevel.location_id, StockLevel.on_hand - StockLevel.reserved)
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.site_id == t.from_site_id, StockLevel.product_id == line.product_id,
               StockLevel.on_hand > StockLevel.reserved)
        .order_by((StockLevel.on_hand - StockLevel.reserved).desc(), Location.code),
        StockLevel)).all()
    left = line.quantity
    for location_id, available in levels:
        take = min(left, available)
        stock_ops.move(session, product_id=line.product_id, source=session.get(
            Location, location_id), target=transit, quantity=take,
            reason=MoveReason.transfer, by=actor, reference=t.label)
        left -= take
        if left == 0:
            return
    sku = session.scalar(sa.select(Product.sku).where(Product.id == line.product_id))
    raise InsufficientStock(f"{t.label}: {line.quantity - left} of {line.quantity} x {sku} "
                            "available at the sending site; nothing was dispatched")


def _arrival(session: Session, t: StockTransfer, code: str | None) -> Location:
    if not code:
        return session.get(Location, t.to_site_id)
    here = location_by_code(session, code.strip())
    if here.site_id != t.to_site_id or not here.holds_stock:
        raise ValidationError(f"{here.code} is not a place for stock at the receiving site")
    return here


def _proposed_event(actor: Actor, t: StockTransfer):
    from oms_desktop.model import AuditEvent

    return AuditEvent.of(actor, entity="stock_transfer", entity_id=t.id, action="propose",
                         to_state=t.status.value)


def _view(session: Session, t: StockTransfer) -> TransferView:
    codes = dict(session.execute(sa.select(Location.id, Location.code).where(
        Location.id.in_((t.from_site_id, t.to_site_id)))).all())
    products = {p.id: p for p in session.scalars(sa.select(Product).where(
        Product.id.in_([l.product_id for l in t.lines])))}
    lines = tuple(TransferLineView(products[l.product_id].sku, products[l.product_id].name,
                                   l.quantity) for l in t.lines)
    return TransferView(t.id, t.label, t.status.value, codes[t.from_site_id],
                        codes[t.to_site_id], t.note, t.proposed_by, t.proposed_at,
                        t.dispatched_by, t.dispatched_at, t.received_by, t.received_at, lines,
                        tuple(TRANSFER_FLOW.verbs_from(t.status)))
