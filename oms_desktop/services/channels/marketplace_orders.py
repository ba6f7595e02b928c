"""One marketplace order, one order here, however many channels read it. A seller moving
from report files (the file connector's Amazon, Flipkart or Etsy preset) to the marketplace's
API keeps both channels for a while; both see the same orders, by the marketplace's order id
(our order number). The API channel takes over an order a report channel brought in (it can
then send tracking and hear of cancellations); a report channel never takes one back, and
neither takes one from another API channel of the same marketplace: such an order is left
where it is and counted unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.connectors.dto import OrderDTO
from oms_desktop.connectors.registry import load
from oms_desktop.model import Actor, AuditEvent, Channel, ChannelOrderState, Order
from oms_desktop.services.channels.new_orders import among

REPORTS = "file"  # the connector kind that reads marketplace report files


@dataclass
class Claims:
    adopted: dict[str, tuple] = field(default_factory=dict)  # external id -> (order id, state)
    elsewhere: set[str] = field(default_factory=set)


def marketplace_of(channel: Channel) -> str | None:
    if channel.kind == REPORTS:
        return (channel.settings or {}).get("format")
    cls = load().classes.get(channel.kind)
    return getattr(cls, "marketplace", None)


def claim(session: Session, channel: Channel, fresh: list[OrderDTO], actor: Actor) -> Claims:
    """Sort the page's unknown orders: those a sibling channel holds are adopted or left."""
    claims = Claims()
    siblings = _siblings(session, channel)
    if not fresh or not siblings:
        return claims
    held = session.execute(sa.select(Order, ChannelOrderState).outerjoin(
        ChannelOrderState, ChannelOrderState.order_id == Order.id).where(
        Order.channel_id.in_(list(siblings)),
        among(session, Order.number, {d.number for d in fresh}))).all()
    by_number = {order.number: (order, state) for order, state in held}
    for dto in fresh:
        order, state = by_number.pop(dto.number, (None, None))
        if order is None:
            continue
        if channel.kind != REPORTS and siblings[order.channel_id].kind == REPORTS:
            claims.adopted[dto.external_id] = (order.id, _adopt(session, channel, order, state,
                                                                dto, actor))
        else:
            claims.elsewhere.add(dto.external_id)
    return claims


def _siblings(session: Session, channel: Channel) -> dict[int, Channel]:
    mine = marketplace_of(channel)
    if mine is None:
        return {}
    others = session.scalars(sa.select(Channel).where(Channel.id != channel.id)).all()
    return {c.id: c for c in others if marketplace_of(c) == mine}


def _adopt(session: Session, channel: Channel, order: Order, state: ChannelOrderState | None,
           dto: OrderDTO, actor: Actor) -> ChannelOrderState:
    before = order.channel_id
    order.channel_id, order.external_id = channel.id, dto.external_id
    if state is None:
        state = ChannelOrderState(order_id=order.id, fingerprint="")
        session.add(state)
    state.channel_id, state.external_id, state.fingerprint = channel.id, dto.external_id, ""
    session.add(AuditEvent.of(actor, entity="order", entity_id=order.id, order_id=order.id,
                              action="channel_takeover",
                              detail={"from_channel": before, "to_channel": channel.id}))
    session.flush()
    return state
