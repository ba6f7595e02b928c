"""Returns a channel took back at its own shop (a store's till): the customer has already
been refunded there, so the units simply come back into the store's stock, on the shelf for
sale or into the store's quarantine (the channel's rule), each move referencing the channel's
return. In the page's transaction, so a return is taken in whole or not at all, and once: a
return already in the ledger is not moved again. One naming an unknown location or SKU is
kept aside with the reason, like an order that does not fit."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.connectors.dto import ChannelReturnDTO, Failure
from oms_desktop.model import (
    Actor, AuditEvent, Channel, Location, LocationKind, MoveReason, Order, StockMove,
)
from oms_desktop.services import events, messagebus
from oms_desktop.services.channels.new_orders import product_ids
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.inventory.catalog import add_location
from oms_desktop.services.lookup import virtual_location

REFERENCE_LENGTH = 128
PAYLOAD = "channel_return"  # the key of a stored payload that holds a return, not an order


def payload(r: ChannelReturnDTO) -> dict:
    return {PAYLOAD: {**dataclasses.asdict(r), "at": r.at.isoformat() if r.at else None}}


def from_payload(stored) -> ChannelReturnDTO | None:
    """The return a stored payload holds (None: it holds an order)."""
    if not isinstance(stored, dict) or PAYLOAD not in stored:
        return None
    r = stored[PAYLOAD]
    return ChannelReturnDTO(r["external_id"], r["order"], r["location"],
                            tuple((sku, int(q)) for sku, q in r["lines"]), r["disposition"],
                            datetime.fromisoformat(r["at"]) if r["at"] else None)


def take_in(session: Session, channel: Channel, returns: list[ChannelReturnDTO],
            actor: Actor) -> list[Failure]:
    """The returns taken in (or found taken in before); those that cannot be, as failures."""
    aside: list[Failure] = []
    for r in returns:
        reference = f"{channel.code}:{r.external_id}"[:REFERENCE_LENGTH]
        if session.scalar(sa.select(StockMove.id).where(StockMove.reference == reference)
                          .limit(1)):
            continue  # taken in by an earlier sync
        problem = _receive(session, channel, r, reference, actor)
        if problem:
            aside.append(Failure(payload(r), problem, r.external_id, r.at))
    return aside


def _receive(session: Session, channel: Channel, r: ChannelReturnDTO, reference: str,
             actor: Actor) -> str | None:
    here = session.scalar(sa.select(Location).where(Location.code == r.location))
    if here is None:
        return f"No location {r.location!r} to take the return in at: create it or change " \
               "the channel's settings, then retry"
    products = product_ids(session, {sku for sku, _ in r.lines})
    unknown = sorted({sku or "(no SKU)" for sku, _ in r.lines} - set(products))
    if unknown:
        return f"Unknown SKU(s) returned at {r.location}: {', '.join(unknown)}"
    shelf = _shelf(session, here, r.disposition)
    customer = virtual_location(session, LocationKind.customer)
    for sku, quantity in r.lines:
        stock_ops.move(session, product_id=products[sku], source=customer, target=shelf,
                       quantity=quantity, reason=MoveReason.customer_return, by=actor,
                       reference=reference, reason_code=r.disposition)
    _note_on_order(session, channel, r, shelf, actor)
    messagebus.publish(session, events.StockChanged(
        actor=actor, product_ids=tuple(sorted({products[sku] for sku, _ in r.lines}))))
    return None


def _shelf(session: Session, here: Location, disposition: str) -> Location:
    """For sale: the given bin, else the site's first sellable bin, else the site itself;
    held back: the site's quarantine bin (not sellable), made on first use."""
    site = session.get(Location, here.site_id or here.id)
    if disposition != "quarantine":
        if here.kind == LocationKind.bin and here.sellable:
            return here
        return session.scalar(sa.select(Location).where(
            Location.site_id == site.id, Location.kind == LocationKind.bin,
            Location.sellable.is_(True)).order_by(Location.walk_sequence, Location.code)
            .limit(1)) or site
    code = f"{site.code}-QUARANTINE"
    return session.scalar(sa.select(Location).where(Location.code == code)) or add_location(
        session, code=code, name="Returns quarantine", kind=LocationKind.bin, parent=site,
        sellable=False, ships_from=False)


def _note_on_order(session: Session, channel: Channel, r: ChannelReturnDTO, shelf: Location,
                   actor: Actor) -> None:
    order = session.scalar(sa.select(Order).where(
        Order.channel_id == channel.id, Order.external_id == r.order)) if r.order else None
    if order is not None:
        order.audit.add(AuditEvent.of(
            actor, entity="order", entity_id=order.id, order_id=order.id, action="channel_return",
            detail={"return": r.external_id, "at": shelf.code,
                    "lines": [list(line) for line in r.lines]}))
