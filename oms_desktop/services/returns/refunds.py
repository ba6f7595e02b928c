"""Refunds from what was received and graded; large ones need a manager (enforced here)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import ApprovalNeeded, ValidationError
from oms_desktop.model import (
    Actor, FinancialStatus, Order, OrderLine, Refund, RefundStatus, Return, ReturnStatus,
    ReturnUnit, Role,
)
from oms_desktop.policies.permissions import require
from oms_desktop.policies.refunds import (
    DEFAULT_APPROVAL_LIMIT, RefundBreakdown, RefundPolicy, ReturnedUnit, compute_refund,
)
from oms_desktop.services import settings
from oms_desktop.services.channels import push as channel_push
from oms_desktop.services.events import OrderImported, RefundIssued
from oms_desktop.services.messagebus import publish
from oms_desktop.services.returns.rmas import load_rma
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
        ret = load_rma(s, rma)
        if ret.status != ReturnStatus.inspected:
            raise ValidationError(f"{ret.rma_number} is {ret.status.value}: finish the intake"
                                  " before refunding")
        breakdown = _breakdown(s, ret)
        _check_limit(s, approver, breakdown.total, ret.order.currency)
        refund = _record(s, ret, breakdown, actor, outside)
        refund.approved_by = approver.name
        s.add(refund)
        s.flush()
        for unit in _units(ret):
            unit.refund_id = refund.id
        _update_financial_status(s, ret.order)
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
                          l.order_line.quantity, l.order_line.tax, l.order_line.discount)
             for l in ret.lines if not l.unexpected for u in l.units if u.refund_id is None]
    ordered = sum(line.quantity for line in ret.order.lines)
    returned = sum(l.received_qty for r in _all_returns(session, ret.order_id)
                   for l in r.lines if not l.unexpected)
    return compute_refund(units, policy=policy, order_shipping=ret.order.shipping_total,
                          everything_returned=returned >= ordered)


def _all_returns(session: Session, order_id: int) -> list[Return]:
    return list(session.scalars(sa.select(Return).where(Return.order_id == order_id)))


def _check_limit(session: Session, actor: Actor, amount: Decimal, currency: str) -> None:
    limit = Decimal(str(settings.get(session, "returns.approval_limit", DEFAULT_APPROVAL_LIMIT)))
    if amount > limit and not actor.role.at_least(Role.manager):
        raise ApprovalNeeded(
            f"A refund of {amount} {currency} is above the approval limit of {limit} {currency}:"
            " a manager must issue it")


def _record(session: Session, ret: Return, b: RefundBreakdown, actor: Actor,
            outside: bool) -> Refund:
    credit = ret.resolution == "credit"
    status = RefundStatus.issued_outside if outside or credit else RefundStatus.approved
    if status == RefundStatus.approved:
        pushed = channel_push.enqueue_refund(
            session, ret.order, key=ret.rma_number, amount=str(b.total),
            reason=", ".join(sorted({l.reason_code for l in ret.lines if not l.unexpected})),
            lines=[(l.order_line_id, l.received_qty) for l in ret.lines
                   if not l.unexpected and l.received_qty])
        if not pushed:  # a channel without a connector: paid back in its own admin
            status = RefundStatus.issued_outside
    return Refund(order_id=ret.order_id, return_id=ret.id, status=status,
                  currency=ret.order.currency, items_amount=b.items, tax_amount=b.tax,
                  shipping_amount=b.shipping, restocking_fee=b.fee, amount=b.total,
                  explanation=b.explanation, kind="store_credit" if credit else "refund",
                  created_by=actor.name, approved_by=actor.name)


def _update_financial_status(session: Session, order: Order) -> None:
    refunded = session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Refund.amount), 0))
                              .where(Refund.order_id == order.id)) or Decimal(0)
    order.financial_status = (FinancialStatus.refunded if Decimal(refunded) >= order.total
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
        ret = load_rma(s, rma)
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
