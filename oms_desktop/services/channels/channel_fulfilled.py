"""Orders the channel fulfils itself (Amazon's FBA; a sale at a shop's till): taken in for
stock and reporting, never picked. They skip verification and allocation: in fulfilment by
the channel from the start, completed when the channel says they are fulfilled, and then their
units leave the channel's location (OrderDTO.fulfilment_location) for the customer. Where that
location holds fewer units than the channel shipped, the shortfall is first booked as an
adjustment: the channel's shipment is the fact, our count of its stock was behind."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.connectors.dto import Failure, OrderDTO
from oms_desktop.model import (
    Actor, Channel, FulfilmentStatus, Location, LocationKind, MoveReason, Order, OrderStatus,
)
from oms_desktop.services import events, messagebus
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import virtual_location

SHORTFALL = "channel-shipped"  # the reason code of the adjustment before a short move


def unknown_locations(session: Session, dtos: list[OrderDTO]) -> list[Failure]:
    """Orders naming a location we do not have (where the channel ships from, where the
    customer collects): kept aside, the rest of the page goes on."""
    codes = {c for d in dtos for c in (d.fulfilment_location, d.pickup_location) if c}
    if not codes:
        return []
    have = set(session.scalars(sa.select(Location.code).where(Location.code.in_(codes))))
    return [Failure(d.model_dump(mode="json"), f"No location {code!r} for {what}: create it "
                    "or change the channel's settings, then retry", d.external_id, d.updated_at)
            for d in dtos for code, what in ((d.fulfilment_location, "the stock this channel "
                                              "ships itself"),
                                             (d.pickup_location, "the customer to collect at"))
            if code and code not in have]


def settle_new(session: Session, channel: Channel, dtos: list[OrderDTO], actor: Actor) -> None:
    """The channel's own orders just created: into fulfilment, completed if already shipped."""
    mine = {d.external_id: d for d in dtos if d.fulfilled_by_channel and d.status != "cancelled"}
    if not mine:
        return
    for order in session.scalars(sa.select(Order).where(
            Order.channel_id == channel.id, Order.external_id.in_(list(mine)))):
        order.verify(by=actor)
        order.start_fulfilment(by=actor)
        if mine[order.external_id].fulfilment_status == "fulfilled":
            _complete(session, order, mine[order.external_id], actor)


def apply_change(session: Session, order: Order, dto: OrderDTO, actor: Actor) -> bool:
    """A new version of such an order; True when a person must look (cancelled after the
    channel said it shipped)."""
    if dto.status == "cancelled":
        if order.status == OrderStatus.in_fulfilment:
            order.cancel(by=actor, reason="cancelled on the channel")
            return False
        return order.status != OrderStatus.cancelled
    if dto.fulfilment_status == "fulfilled" and order.status == OrderStatus.in_fulfilment:
        _complete(session, order, dto, actor)
    return False


def _complete(session: Session, order: Order, dto: OrderDTO, actor: Actor) -> None:
    order.fulfilment_status = FulfilmentStatus.fulfilled
    order.complete(by=actor)
    if dto.fulfilment_location is None:
        return
    source = session.scalar(sa.select(Location).where(Location.code == dto.fulfilment_location))
    customer = virtual_location(session, LocationKind.customer)
    moved = [_ship(session, l.product_id, l.quantity, source, customer, order.number, actor)
             for l in order.lines if l.product_id is not None]
    if moved:
        messagebus.publish(session, events.StockChanged(actor=actor, order_id=order.id,
                                                        product_ids=tuple(moved)))


def _ship(session: Session, product_id: int, quantity: int, source: Location,
          customer: Location, reference: str, actor: Actor) -> int:
    short = quantity - max(0, stock_ops.available(session, product_id, source.id))
    if short > 0:
        stock_ops.move(session, product_id=product_id,
                       source=virtual_location(session, LocationKind.inventory), target=source,
                       quantity=short, reason=MoveReason.adjustment, by=actor,
                       reference=reference, reason_code=SHORTFALL)
    stock_ops.move(session, product_id=product_id, source=source, target=customer,
                   quantity=quantity, reason=MoveReason.shipment, by=actor, reference=reference)
    return product_id
