"""Refunds from what was received and graded; large ones need a manager (enforced here)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.connectors.base import Connector
from oms_desktop.connectors.registry import load as load_connectors
from oms_desktop.errors import ApprovalNeeded, ValidationError
from oms_desktop.model import (
    Actor, FinancialStatus, Order, OrderLine, Refund, RefundStatus, Return, ReturnLine,
    ReturnStatus, ReturnUnit, Role,
)
from oms_desktop.policies.permissions import require
from oms_desktop.policies.refunds import (
    DEFAULT_APPROVAL_LIMIT, NO_REFUND_CONDITIONS, RefundBreakdown, RefundPolicy, Refunded,
    ReturnedUnit, compute_refund,
)
from oms_desktop.services import settings
from oms_desktop.services.channels import push as channel_push
from oms_desktop.services.events import OrderImported, RefundIssued
from oms_desktop.services.messagebus import publish
from oms_desktop.services.returns.rmas import guard, load_rma
from oms_desktop.storage import Database


@dataclass(frozen=True)
class RefundView:
    id: int
    rma_number: str
    status: str
    kind: str
    currency: str
    items: Decimal
    tax: Decimal
    shipping: Decimal
    restocking_fee: Decimal
    amount: Decimal
    explanation: list[str]


@dataclass(frozen=True)
class RefundQuote:
    """What a refund would give back, shown for confirmation before it is issued."""
    rma_number: str
    order_number: str
    channel: str
    currency: str
    money: RefundBreakdown
    credit: bool  # store credit, not money back
    at_channel: bool  # the channel's connector pays it back; else it is paid outside

    @property
    def amount(self) -> str:
        return f"{self.money.total} {self.currency}"


def quote(db: Database, rma: str) -> RefundQuote:
    """The refund `issue_refund` would make now, and where it would be paid."""
    with db.uow(readonly=True) as uow:
        ret = load_rma(uow.session, rma)
        if ret.status != ReturnStatus.inspected:
            raise ValidationError(f"{ret.rma_number} is {ret.status.value}: finish the intake"
                                  " before refunding")
        order, credit = ret.order, ret.resolution == "credit"
        return RefundQuote(ret.rma_number, order.number, order.channel.name, order.currency,
                           _breakdown(uow.session, ret), credit,
                           not credit and takes_refunds(order.channel.kind))


def takes_refunds(channel_kind: str) -> bool:
    """Whether the channel's connector pays refunds back on the channel itself."""
    cls = load_connectors().classes.get(channel_kind)
    return cls is not None and cls.push_refund is not Connector.push_refund


def preview(db: Database, rma: str) -> RefundBreakdown:
    with db.uow(readonly=True) as uow:
        return _breakdown(uow.session, load_rma(uow.session, rma))


def issue_refund(db: Database, *, actor: Actor, rma: str, outside: bool = False,
                 approved_by: Actor | None = None) -> RefundView:
    """Refund (or credit) what was received. `outside`: paid back outside the program (cash at
    a till, the channel's own admin). Otherwise the refund is queued for the channel's
    connector (status `approved` until the push is done) or, for a channel without one,
    recorded as issued outside. `approved_by`: a manager who approved it at `actor`'s station
    (users.approval), whose rights then count."""
    approver = approved_by or actor
    require(approver, "returns.refund")
    with db.uow() as uow:
        s = uow.session
        ret = load_rma(s, rma, lock=True)  # the order's row first: its refunds are decided
        guard(s, ret, "refund")
        if ret.status != ReturnStatus.inspected:
            raise ValidationError(f"{ret.rma_number} is {ret.status.value}: finish the intake"
                                  " before refunding")
        breakdown = _breakdown(s, ret)
        _check_limit(s, approver, ret.order, breakdown.total)
        refund = _record(s, ret, breakdown, actor, outside)
        refund.approved_by = approver.name
        s.add(refund)
        s.flush()
        for unit in _units(ret):
            unit.refund_id = refund.id
        _add_to_order(ret.order, refund.amount)
        ret.refund(by=actor)
        publish(s, RefundIssued(actor=actor, order_id=ret.order_id, refund_id=refund.id,
                                return_id=ret.id))
        uow.commit()
        return RefundView(refund.id, ret.rma_number, refund.status.value, refund.kind,
                          refund.currency, refund.items_amount, refund.tax_amount,
                          refund.shipping_amount, refund.restocking_fee, refund.amount,
                          list(refund.explanation or []))


def _units(ret: Return) -> list[ReturnUnit]:
    return [u for l in ret.lines for u in l.units if u.refund_id is None]


def _breakdown(session: Session, ret: Return) -> RefundBreakdown:
    policy = RefundPolicy.from_settings(settings.get(session, "returns.refund_policy"))
    units = [ReturnedUnit(l.product.sku, l.reason_code, u.condition, l.order_line.unit_price,
                          l.order_line.quantity, l.order_line.tax, l.order_line.discount,
                          l.order_line_id)
             for l in ret.lines if not l.unexpected for u in l.units if u.refund_id is None]
    ordered = sum(line.quantity for line in ret.order.lines)
    returned = session.scalar(sa.select(sa.func.coalesce(sa.func.sum(ReturnLine.received_qty), 0))
                              .join(Return).where(Return.order_id == ret.order_id,
                                                  ReturnLine.unexpected.is_(False)))
    return compute_refund(units, policy=policy, order_shipping=ret.order.shipping_total,
                          everything_returned=returned >= ordered,
                          before=_refunded_before(session, ret.order_id), paid=ret.order.total)


def _refunded_before(session: Session, order_id: int) -> Refunded:
    """What the order's refunds so far gave back: units per order line, shipping, total."""
    units = dict(session.execute(
        sa.select(ReturnLine.order_line_id, sa.func.count(ReturnUnit.id))
        .join(ReturnUnit.line).join(Return)
        .where(Return.order_id == order_id, ReturnUnit.refund_id.is_not(None),
               ReturnLine.unexpected.is_(False),
               ReturnUnit.condition.not_in(NO_REFUND_CONDITIONS))
        .group_by(ReturnLine.order_line_id)).all())
    shipping, total = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Refund.shipping_amount), 0),
                  sa.func.coalesce(sa.func.sum(Refund.amount), 0))
        .where(Refund.order_id == order_id)).one()
    return Refunded(units, Decimal(shipping), Decimal(total))


def _check_limit(session: Session, actor: Actor, order: Order, amount: Decimal) -> None:
    """The approval limit is on what the order gives back in all, not on one RMA: three
    RMAs of 200.00 need a manager as one of 600.00 does."""
    limit = Decimal(str(settings.get(session, "returns.approval_limit", DEFAULT_APPROVAL_LIMIT)))
    cumulative = (order.refunded_total + amount).quantize(Decimal("0.01"))
    if cumulative > limit and not actor.role.at_least(Role.manager):
        raise ApprovalNeeded(
            f"A refund of {amount} {order.currency} makes {cumulative} {order.currency} on order"
            f" {order.number}, above the approval limit of {limit} {order.currency}: a manager"
            " must issue it")


def _record(session: Session, ret: Return, b: RefundBreakdown, actor: Actor,
            outside: bool) -> Refund:
    credit = ret.resolution == "credit"
    status = RefundStatus.issued_outside if outside or credit else RefundStatus.approved
    if status == RefundStatus.approved and takes_refunds(ret.order.channel.kind):
        pushed = channel_push.enqueue_refund(
            session, ret.order, key=ret.rma_number, amount=str(b.total),
            reason=", ".join(sorted({l.reason_code for l in ret.lines if not l.unexpected})),
            lines=[(l.order_line_id, l.received_qty) for l in ret.lines
                   if not l.unexpected and l.received_qty])
        if not pushed:
            status = RefundStatus.issued_outside
    elif status == RefundStatus.approved:  # a channel that takes no refunds from us: paid
        status = RefundStatus.issued_outside  # back in its own admin
    return Refund(order_id=ret.order_id, return_id=ret.id, status=status,
                  currency=ret.order.currency, items_amount=b.items, tax_amount=b.tax,
                  shipping_amount=b.shipping, restocking_fee=b.fee, amount=b.total,
                  explanation=b.explanation, kind="store_credit" if credit else "refund",
                  created_by=actor.name, approved_by=actor.name)


def _add_to_order(order: Order, amount: Decimal) -> None:
    """The order's running total of refunds (the database refuses one above its total)."""
    order.refunded_total += amount
    order.financial_status = (FinancialStatus.refunded if order.refunded_total >= order.total
                              else FinancialStatus.partially_refunded)


@dataclass(frozen=True)
class ExchangeView:
    rma_number: str
    replacement_order_id: int
    replacement_number: str


def exchange(db: Database, *, actor: Actor, rma: str) -> ExchangeView:
    """Resolve an exchange: a replacement order for the returned items, at no charge, which
    then runs through the pipeline like any new order."""
    require(actor, "returns.refund")
    with db.uow() as uow:
        s = uow.session
        ret = load_rma(s, rma, lock=True)
        guard(s, ret, "close")
        if ret.resolution != "exchange" or ret.status != ReturnStatus.inspected:
            raise ValidationError(f"{ret.rma_number} is not an inspected exchange")
        replacement = _replacement(ret)
        s.add(replacement)
        s.flush()
        ret.close(by=actor)
        publish(s, OrderImported(actor=actor, order_id=replacement.id))
        uow.commit()
        return ExchangeView(ret.rma_number, replacement.id, replacement.number)


def _replacement(ret: Return) -> Order:
    old = ret.order
    copy = {c: getattr(old, c) for c in (
        "channel_id", "customer_id", "currency", "email", "ship_name", "ship_company",
        "ship_line1", "ship_line2", "ship_city", "ship_region", "ship_postal_code",
        "ship_country", "ship_phone", "billing_country", "requested_service")}
    order = Order(number=f"{old.number}-X{ret.id}", external_id=f"exchange:{ret.rma_number}",
                  financial_status=FinancialStatus.paid, notes=f"Exchange for {ret.rma_number}",
                  **copy)
    for n, line in enumerate((l for l in ret.lines if not l.unexpected and l.received_qty), 1):
        order.lines.append(OrderLine(line_no=n, product_id=line.product_id,
                                     sku=line.product.sku, name=line.order_line.name,
                                     quantity=line.received_qty))
    return order
