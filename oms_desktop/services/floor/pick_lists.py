"""Making pick lists: single-order, batch and wave lists built from assigned shipments (their
reservations say which bin), one line per (bin, product) in walk order. The shipments are
locked and moved to `picking` by their verb before the list is built, so a second station
asking for the same ones is refused naming who listed them; waves asked for at once get
different shipments."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from oms_desktop.errors import ValidationError
from oms_desktop.model import (
    Actor, Location, Order, PickList, PickListItem, PickListKind, PickListLine, PickListSlot,
    Product, Reservation, ReservationStatus, Shipment, ShipmentLine, ShipmentStatus, utcnow,
)
from oms_desktop.policies.permissions import require
from oms_desktop.policies.pick_path import walk_key
from oms_desktop.services.floor.pick_views import PickListView, pick_list_view
from oms_desktop.services.lookup import location_by_code, order_by_ref
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import locking, when

_CHUNK = 500


def _chunks(ids: list[int]):
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def build_pick_list(session: Session, actor: Actor, shipments: list[Shipment], *,
                    kind: PickListKind, criteria: dict | None = None) -> PickList:
    """One list for the given assigned shipments (locked by the caller): slot n for the n-th
    shipment, one line per (bin, product) in walk order, moving the shipments to `picking`;
    a shipment already on a list is refused naming who put it there."""
    if not shipments:
        raise ValidationError("No assigned shipments to pick")
    for shipment in shipments:
        shipment.start_picking(by=actor)
    pick_list = PickList(kind=kind, criteria=criteria, created_by=actor.name,
                         location_id=shipments[0].location_id, created_at=utcnow())
    slot_of = {s.id: n for n, s in enumerate(shipments, start=1)}
    pick_list.slots = [PickListSlot(slot=n, shipment_id=s.id, tote=f"TOTE-{n}")
                       for s, n in zip(shipments, slot_of.values())]
    pick_list.lines = _lines(session, shipments, slot_of)
    if not pick_list.lines:
        raise ValidationError("The shipments have no reserved stock to pick")
    session.add(pick_list)
    session.flush()
    return pick_list


def _reservations(session: Session, line_ids: list[int]) -> list[Reservation]:
    found: list[Reservation] = []
    for chunk in _chunks(line_ids):
        found += session.scalars(sa.select(Reservation).where(
            Reservation.shipment_line_id.in_(chunk),
            Reservation.status == ReservationStatus.active).order_by(Reservation.id))
    return found


def _lines(session: Session, shipments: list[Shipment], slot_of: dict[int, int]):
    ship_lines = {l.id: l for s in shipments for l in s.lines}
    reservations = _reservations(session, list(ship_lines))
    bins = _by_id(session, Location, {r.location_id for r in reservations})
    products = _by_id(session, Product, {r.product_id for r in reservations})
    grouped: dict[tuple[int, int], list[PickListItem]] = defaultdict(list)
    for r in reservations:
        sl = ship_lines[r.shipment_line_id]
        grouped[(r.location_id, r.product_id)].append(PickListItem(
            slot=slot_of[sl.shipment_id], shipment_id=sl.shipment_id, shipment_line_id=sl.id,
            reservation_id=r.id, quantity=r.quantity))
    keys = sorted(grouped, key=lambda k: (walk_key(bins[k[0]].code, bins[k[0]].walk_sequence),
                                          products[k[1]].sku))
    return [PickListLine(seq=seq, bin_id=b, bin_code=bins[b].code, product_id=p,
                         sku=products[p].sku, description=products[p].name[:255],
                         quantity=sum(i.quantity for i in grouped[(b, p)]),
                         items=sorted(grouped[(b, p)], key=lambda i: i.slot))
            for seq, (b, p) in enumerate(keys, start=1)]


def _by_id(session: Session, entity, ids: set[int]) -> dict:
    found = {}
    for chunk in _chunks(sorted(ids)):
        found.update({e.id: e for e in session.scalars(sa.select(entity).where(
            entity.id.in_(chunk)))})
    return found


def load_shipments(session: Session, ids: list[int]) -> list[Shipment]:
    """The shipments a list is made of or finishes, locked until commit (id order)."""
    found: dict[int, Shipment] = {}
    for chunk in _chunks(sorted(ids)):
        found.update({s.id: s for s in session.scalars(locking(
            sa.select(Shipment).where(Shipment.id.in_(chunk)).order_by(Shipment.id)
            .options(selectinload(Shipment.lines), selectinload(Shipment.order)), Shipment))})
    return [found[i] for i in ids if i in found]


# -- creating lists -------------------------------------------------------------------------
def create_for_shipments(db: Database, *, actor: Actor, shipment_ids: list[int],
                         kind: str | None = None) -> PickListView:
    require(actor, "floor.pick")
    with db.uow() as uow:
        shipments = load_shipments(uow.session, shipment_ids)
        chosen = PickListKind(kind) if kind else (
            PickListKind.single if len(shipments) == 1 else PickListKind.batch)
        pick_list = build_pick_list(uow.session, actor, shipments, kind=chosen)
        uow.commit()
        return pick_list_view(uow.session, pick_list)


def create_for_orders(db: Database, *, actor: Actor, orders: list[str],
                      location: str | None = None) -> PickListView:
    """A single-order list for one order, a batch list for several: their assigned
    shipments (at `location` when given)."""
    require(actor, "floor.pick")
    with db.uow() as uow:
        s = uow.session
        order_ids = [order_by_ref(s, ref).id for ref in orders]
        query = (sa.select(Shipment.id).where(Shipment.order_id.in_(order_ids),
                                              Shipment.status == ShipmentStatus.assigned))
        query = _at_location(s, query, location)
        ids = list(s.scalars(query.order_by(Shipment.id)))
        if not ids:
            raise ValidationError("None of these orders has an assigned shipment to pick")
        kind = PickListKind.single if len(order_ids) == 1 else PickListKind.batch
        pick_list = build_pick_list(s, actor, load_shipments(s, ids), kind=kind,
                                    criteria={"orders": list(orders)})
        uow.commit()
        return pick_list_view(s, pick_list)


def _at_location(session: Session, query, location: str | None):
    if not location:
        return query
    here = location_by_code(session, location)
    site = here.site_id or here.id
    return query.where(Shipment.location_id == site)


def wave_candidates(session: Session, *, carrier: str | None = None, zone: str | None = None,
                    location: str | None = None, limit: int = 50,
                    skip_locked: bool = True) -> list[int]:
    """Assigned shipments for a wave: by carrier and zone when given, most urgent first
    (priority, then ship-by date as the carrier cut-off, then age), locked until commit.
    Those another station is putting on its wave right now are left to it (`skip_locked`),
    or waited for and then, no longer assigned, left out."""
    query = (sa.select(Shipment.id).join(Order, Order.id == Shipment.order_id)
             .where(Shipment.status == ShipmentStatus.assigned))
    if carrier:
        query = query.where(sa.func.coalesce(Shipment.carrier, Order.carrier) == carrier)
    if zone:
        query = query.where(Shipment.id.in_(_shipments_in_zone(session, zone)))
    query = _at_location(session, query, location)
    query = query.order_by(Order.priority.desc(), Order.ship_by.is_(None), Order.ship_by,
                           Shipment.id).limit(limit)
    return list(session.scalars(locking(query, Shipment, skip_locked=skip_locked)))


def _shipments_in_zone(session: Session, zone: str):
    zone_id = location_by_code(session, zone).id
    bins = sa.select(Location.id).where(sa.or_(Location.parent_id == zone_id,
                                               Location.id == zone_id))
    return (sa.select(ShipmentLine.shipment_id).join(
        Reservation, Reservation.shipment_line_id == ShipmentLine.id)
        .where(Reservation.location_id.in_(bins),
               Reservation.status == ReservationStatus.active))


def create_wave(db: Database, *, actor: Actor, carrier: str | None = None,
                zone: str | None = None, location: str | None = None,
                limit: int = 50) -> PickListView:
    require(actor, "floor.pick")
    if limit < 1:
        raise ValidationError("A wave needs a limit of at least 1")
    with db.uow() as uow:
        s = uow.session
        wanted = dict(carrier=carrier, zone=zone, location=location, limit=limit)
        ids = wave_candidates(s, **wanted) or wave_candidates(s, **wanted, skip_locked=False)
        if not ids:  # (the second look waited for the stations taking them, to name one)
            raise ValidationError(_nothing_to_pick(s))
        criteria = wanted
        pick_list = build_pick_list(s, actor, load_shipments(s, ids), kind=PickListKind.wave,
                                    criteria=criteria)
        uow.commit()
        return pick_list_view(s, pick_list)


def _nothing_to_pick(session: Session) -> str:
    last = session.execute(sa.select(PickList.id, PickList.created_by, PickList.created_at)
                           .order_by(PickList.id.desc()).limit(1)).first()
    if last is None:
        return "No assigned shipments to pick"
    return (f"Nothing to pick: the last pick list, PL-{last[0]}, was created by {last[1]} at "
            f"{when(last[2])}")
