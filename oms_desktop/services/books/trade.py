"""Postings beyond the web shop's sales: a business customer's invoice (when its shipment
ships, to its own customer mapping, with its terms and due date) and each payment against it
(which waits until the invoice is posted, and is applied to it there); a bill from each
carrier for a finished day's labels (voided ones are not billed); a bill from a channel for
each fee it charged us, to the fee account."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.accounting.trade import BillDoc, BillLine
from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import (
    Actor, BookPosting, Channel, ChannelFee, Invoice, Order, Payment, ShippingLabel, utcnow,
)
from oms_desktop.policies.permissions import require
from oms_desktop.policies.trade_terms import money_above_zero
from oms_desktop.services.books import invoicing, outbox
from oms_desktop.services.books.targets import configured
from oms_desktop.services.events import PaymentRecorded
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import claim

WINDOW_DAYS = 40  # how far back a run looks for carrier days not yet billed


# -- a business customer's payments ---------------------------------------------------------
def on_payment_recorded(session: Session, event: PaymentRecorded) -> None:
    if not configured(session):
        return
    inv, pay = session.get(Invoice, event.invoice_id), session.get(Payment, event.payment_id)
    order = session.get(Order, inv.order_id)
    outbox.enqueue(session, f"payment:{pay.id}", invoicing.payment_document(inv, pay),
                   channel_id=order.channel_id, order_id=order.id,
                   waits_for=invoicing.invoice_key(inv.number))


# -- bills: a carrier's labels of a day, a channel's fees ----------------------------------
def carrier_bills(session: Session, first: date, last: date) -> list[tuple[str, BillDoc]]:
    """Per carrier, day and currency, the labels bought and not voided: one bill each."""
    groups: dict[tuple, dict[str, list]] = defaultdict(dict)
    for label in session.scalars(sa.select(ShippingLabel).where(
            ShippingLabel.voided_at.is_(None), ShippingLabel.ship_day >= first,
            ShippingLabel.ship_day <= last).order_by(ShippingLabel.id)):
        lines = groups[(label.carrier, label.ship_day, label.currency)]
        got = lines.setdefault(f"{label.provider or label.carrier} {label.service}",
                               [0, Decimal(0)])
        got[0] += 1
        got[1] += label.cost
    return [(f"bill:carrier:{carrier}:{day}:{currency}",
             BillDoc(f"{carrier[:8].upper()}-{day:%y%m%d}-{currency}",
                     f"{carrier} labels {day}", day, day, f"carrier:{carrier}", currency,
                     tuple(BillLine(f"{what}: {n} label{'s' * (n != 1)}", "postage", cost)
                           for what, (n, cost) in sorted(lines.items()))))
            for (carrier, day, currency), lines in sorted(groups.items())]


def queue_carrier_bills(db: Database, *, actor: Actor, through: date | None = None) -> int:
    """Queue the bills of the finished days up to `through` (default: yesterday), so a day's
    bill never changes once made; how many postings were added."""
    require(actor, "books.post")
    last = min(through or date.max, utcnow().date() - timedelta(days=1))
    with db.uow() as uow:
        s = uow.session
        if not configured(s):
            return 0
        claim(s, "books:carrier-bills")  # two posting runs at once: one after the other
        made = sum(outbox.enqueue(s, key, bill, channel_id=None, order_id=None)
                   for key, bill in carrier_bills(s, last - timedelta(days=WINDOW_DAYS), last))
        uow.commit()
        return made


def bills_to_queue(session: Session, target: str) -> list[BillDoc]:
    """The finished carrier days the next posting run will bill to `target`: what the mapping
    screen lists before they are queued."""
    if not outbox.takes(target, "bill"):
        return []
    last = utcnow().date() - timedelta(days=1)
    queued = set(session.scalars(sa.select(BookPosting.source_key).where(
        BookPosting.target == target, BookPosting.source_key.like("bill:carrier:%"))))
    return [bill for key, bill in carrier_bills(session, last - timedelta(days=WINDOW_DAYS),
                                                last) if key not in queued]


@dataclass(frozen=True)
class FeeView:
    id: int
    channel: str
    day: date
    currency: str
    amount: Decimal
    what: str
    reference: str


def fee_bill(fee: ChannelFee, channel: str) -> BillDoc:
    return BillDoc(f"FEE-{fee.id}", f"{channel} {fee.reference}", fee.day, fee.day,
                   f"channel:{channel}", fee.currency,
                   (BillLine(fee.what, "fees", fee.amount),))


def add_fee(db: Database, *, actor: Actor, channel: str, amount: str | Decimal, day: date,
            reference: str, what: str = "channel fees", currency: str | None = None) -> FeeView:
    """A fee the channel charged (a payout statement's line), kept once per channel and
    reference and queued as a bill from the channel in the same transaction."""
    require(actor, "books.post")
    value = money_above_zero(amount)
    if not reference.strip():
        raise ValidationError("A fee needs the statement's reference (to keep it once)")
    with db.uow() as uow:
        s = uow.session
        ch = s.scalar(sa.select(Channel).where(Channel.code == channel))
        if ch is None:
            raise NotFound(f"No channel {channel!r}")
        claim(s, f"books:fee:{ch.id}:{reference.strip()}")  # the same line twice at once
        earlier = s.scalar(sa.select(ChannelFee).where(
            ChannelFee.channel_id == ch.id, ChannelFee.reference == reference.strip()))
        if earlier is not None:
            raise ValidationError(f"{channel} fee {reference.strip()} is already recorded "
                                  f"(by {earlier.created_by})")
        fee = ChannelFee(channel_id=ch.id, day=day, currency=(currency or ch.currency).upper(),
                         amount=value, what=what.strip() or "channel fees",
                         reference=reference.strip(), created_by=actor.name)
        s.add(fee)
        s.flush()
        outbox.enqueue(s, f"fee:{fee.id}", fee_bill(fee, ch.code), channel_id=ch.id,
                       order_id=None)
        uow.commit()
        return FeeView(fee.id, ch.code, fee.day, fee.currency, fee.amount, fee.what,
                       fee.reference)
