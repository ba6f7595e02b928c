"""What the picking screen and the command line see of a pick list: plain frozen views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.model import Order, PickList, Shipment

_CHUNK = 500


@dataclass(frozen=True)
class PickLineView:
    id: int
    seq: int
    bin: str
    sku: str
    description: str
    quantity: int
    picked: int
    short: int
    status: str
    slots: tuple[tuple[int, int], ...]  # (slot, units)

    @property
    def remaining(self) -> int:
        return self.quantity - self.picked - self.short


@dataclass(frozen=True)
class SlotView:
    slot: int
    tote: str | None
    shipment_id: int
    order_id: int
    order_number: str


@dataclass(frozen=True)
class PickListView:
    id: int
    label: str
    kind: str
    status: str
    created_by: str
    created_at: datetime
    confirmed_line_id: int | None
    lines: tuple[PickLineView, ...]
    slots: tuple[SlotView, ...]

    @property
    def current(self) -> PickLineView | None:
        return next((l for l in self.lines if l.remaining > 0), None)

    @property
    def bin_confirmed(self) -> bool:
        line = self.current
        return line is not None and line.id == self.confirmed_line_id


@dataclass(frozen=True)
class PickFeedback:
    ok: bool
    result: str
    message: str
    view: PickListView
    detail: dict


def pick_list_view(session: Session, pick_list: PickList) -> PickListView:
    orders = _orders_of(session, pick_list)
    lines = tuple(PickLineView(l.id, l.seq, l.bin_code, l.sku, l.description, l.quantity,
                               l.picked_qty, l.short_qty, l.status.value,
                               tuple((i.slot, i.quantity) for i in l.items))
                  for l in pick_list.lines)
    slots = tuple(SlotView(s.slot, s.tote, s.shipment_id, *orders[s.shipment_id])
                  for s in pick_list.slots)
    return PickListView(pick_list.id, pick_list.label, pick_list.kind.value,
                        pick_list.status.value, pick_list.created_by, pick_list.created_at,
                        pick_list.confirmed_line_id, lines, slots)


def _orders_of(session: Session, pick_list: PickList) -> dict:
    found = {}
    ids = [s.shipment_id for s in pick_list.slots]
    for chunk in (ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)):
        found.update({sid: (oid, number) for sid, oid, number in session.execute(
            sa.select(Shipment.id, Order.id, Order.number)
            .join(Order, Order.id == Shipment.order_id).where(Shipment.id.in_(chunk)))})
    return found
