"""The order pipeline, first half: verification and fraud screening, holds, releases, fraud
approval, edits and cancellation. Allocation is in services/allocation.py.

Every decision is written to the order's audit trail with its reasons (action "verification",
"override", "fraud_approved", …) beside the state transitions the entity verbs record."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import ValidationError
from oms_desktop.model import (
    ORDER_FLOW, Actor, AuditEvent, CustomerKind, FinancialStatus, HoldReason, Order, OrderStatus,
)
from oms_desktop.policies import fraud
from oms_desktop.policies import verification as vf
from oms_desktop.policies.permissions import require
from oms_desktop.services.events import OrderCancelled, OrderChanged, OrderVerified
from oms_desktop.services.lookup import location_by_code, order_by_ref
from oms_desktop.services.messagebus import publish
from oms_desktop.services.orders import allocation
from oms_desktop.services.orders import snapshots as data
from oms_desktop.services.orders.batch import ids_in, run_batches
from oms_desktop.services.orders.results import (
    BatchResult, CheckInfo, OrderResult, result, shipments_of, snap_result,
)
from oms_desktop.services.orders.writes import Writes
from oms_desktop.services.users import scope
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import Change, last_changes, refusal, told

VERIFIABLE = (OrderStatus.new, OrderStatus.verified, OrderStatus.on_hold)
CHECK_OF_REASON = {"payment_pending": ("payment",), "credit_limit": ("payment",),
                   "address_invalid": ("address",), "out_of_stock": ("availability",),
                   "duplicate": ("duplicates",),
                   "shipping_restricted": ("destination", "products")}


# -- verification ----------------------------------------------------------------------------
def verify_orders(db: Database, *, actor: Actor,
                  order_ids: list[int] | None = None) -> BatchResult:
    """Verify and screen the given orders (all new ones when None); held ones are checked
    again. An order already verified, or past verification, is refused naming who moved it
    there and when (another station, or an earlier click, got there first)."""
    require(actor, "orders.verify")
    ids = order_ids if order_ids is not None else ids_in(db, (OrderStatus.new,), actor=actor)
    return run_batches(db, ids, lambda s, batch: verify_in_session(s, actor, batch,
                                                                   again=False))


def verify_in_session(session: Session, actor: Actor, order_ids: list[int], *,
                      again: bool = True) -> list[OrderResult]:
    """Session-level verification of a batch (for edits, backorders and rules to reuse);
    `again=False` refuses verified orders instead of checking them again."""
    orders = data.load_snapshots(session, order_ids)
    run = _Verification(session, actor, orders, again)
    out = [run.one(order) for order in orders]
    run.writes.apply(session)
    for event in run.events:
        publish(session, event)
    return out


class _Verification:
    def __init__(self, session: Session, actor: Actor, orders: list, again: bool):
        self.actor, self.events = actor, []
        self.verifiable = VERIFIABLE if again else (OrderStatus.new, OrderStatus.on_hold)
        self.moved = last_changes(session, "order", [o.id for o in orders
                                                     if o.status not in self.verifiable])
        self.writes = Writes(actor)
        self.rules = data.shipping_rules(session)
        self.fraud = data.fraud_config(session)
        self.catalog = data.Catalog(session, orders)
        self.network = data.Network(session, self.catalog.stock_ids())
        self.history = data.History(session, orders, self.rules.duplicate_minutes) \
            if orders else None
        self.overrides = _overrides(session, [o.id for o in orders])

    def one(self, order: Order) -> OrderResult:
        if order.status not in self.verifiable:
            return _refused(order, self.moved.get(order.id), "Not verified again")
        facts = self._facts(order)
        request = data.routing_request(order, (), self.network)
        context = vf.Context(self.network.available_for(request),
                             self.history.candidates_for(order),
                             self.overrides.get(order.id, frozenset()))
        outcomes = vf.run_checks(facts, context, self.rules)
        decision = vf.decide(outcomes)
        screening = self._screen(order) if decision.verdict != vf.REJECT else None
        before = (order.status, len(order.active_holds))
        self._record(order, outcomes, decision, screening)
        _apply(order, decision, screening, self.writes)
        self._announce(order, before)
        return snap_result(order, message=_summary(order, decision, screening),
                      checks=tuple(CheckInfo(o.check, o.verdict, o.reason, o.message)
                                   for o in outcomes),
                      fraud_signals=tuple(s.why for s in screening.signals) if screening else ())

    def _facts(self, order: Order) -> vf.OrderFacts:
        c = order.customer
        on_terms = bool(c and c.kind == CustomerKind.business and c.payment_terms_days)
        return vf.OrderFacts(
            order.id, order.number, order.channel_id, _address(order),
            tuple(self.catalog.line_facts(line) for line in order.lines), order.placed_at,
            total=order.total, financial_status=order.financial_status.value,
            customer_id=order.customer_id, email=order.email, business_on_terms=on_terms,
            credit_limit=c.credit_limit if c else None,
            open_balance=self.history.open_balance(order) if on_terms else 0,
            service=order.service or order.requested_service,
            ships_available=order.ships_available)

    def _screen(self, order: Order) -> fraud.Screening | None:
        if order.fraud_score is not None:  # screened once; a manager's approval stands
            return None
        previous, average = self.history.earlier(order)
        facts = fraud.FraudFacts(order.total, order.ship_country, order.billing_country,
                                 order.email, order.service or order.requested_service,
                                 order.risk_level, previous, average,
                                 self.history.names_at(order))
        screening = fraud.screen(facts, self.fraud)
        order.fraud_score = screening.score
        self.writes.touch(order)
        return screening

    def _record(self, order, outcomes, decision, screening) -> None:
        detail = {"verdict": decision.verdict,
                  "checks": [{"check": o.check, "verdict": o.verdict, "reason": o.reason,
                              "message": o.message} for o in outcomes]}
        if screening:
            detail["fraud"] = {"score": screening.score, "threshold": screening.threshold,
                               "signals": [{"signal": s.name, "weight": s.weight, "why": s.why}
                                           for s in screening.signals]}
        self.writes.decision(order.id, "verification", detail)

    def _announce(self, order: Order, before: tuple) -> None:
        if before != (order.status, len(order.active_holds)):
            self.events.append(OrderChanged(actor=self.actor, order_id=order.id))
        if order.status == OrderStatus.verified and before[0] != OrderStatus.verified:
            self.events.append(OrderVerified(actor=self.actor, order_id=order.id))
        if order.status == OrderStatus.cancelled:
            self.events.append(OrderCancelled(actor=self.actor, order_id=order.id))


def _refused(order, change: Change | None, otherwise: str) -> OrderResult:
    """An order someone else moved on: refused, naming them (ConcurrentChange's words)."""
    if change is None:
        return snap_result(order, ok=False,
                           message=f"{otherwise}: the order is {order.status.value}")
    return snap_result(order, ok=False, message=str(told(f"Order {order.number}", change)))


def _address(order: Order) -> vf.Address:
    return vf.Address(order.ship_name, order.ship_line1, order.ship_line2, order.ship_city,
                      order.ship_region, order.ship_postal_code, order.ship_country)


def _apply(order, decision: vf.Decision, screening, writes: Writes) -> None:
    """Reject cancels; holds are placed; automatic holds that no longer apply are released
    (manual and rule holds never are); an order without holds becomes verified."""
    if decision.verdict == vf.REJECT:
        writes.transition(order, "cancel",
                          {"reason": "; ".join(o.message for o in decision.rejects)})
        return
    wanted = {o.reason: o.message for o in decision.holds}
    if screening is not None and screening.needs_review:
        wanted[HoldReason.fraud_review.value] = screening.explain()
    held = {h.reason.value for h in order.active_holds}
    stale = {h.reason for h in order.active_holds if not h.manual
             and h.reason.value in vf.OWNED_REASONS and h.reason.value not in wanted}
    for reason, message in wanted.items():
        if reason not in held:
            writes.hold(order, HoldReason(reason), message)
    if stale:
        writes.release(order, stale)
    if order.status == OrderStatus.new and not order.active_holds:
        writes.transition(order, "verify")


def _summary(order: Order, decision: vf.Decision, screening) -> str:
    if order.status == OrderStatus.cancelled:
        return "Rejected: " + "; ".join(o.message for o in decision.rejects)
    if order.active_holds:
        return "On hold: " + "; ".join(f"{h.reason.value} ({h.note})" if h.note
                                       else h.reason.value for h in order.active_holds)
    return "Verified" + (f" (fraud score {screening.score})" if screening else "")


def _overrides(session: Session, order_ids: list[int]) -> dict[int, frozenset[str]]:
    """Checks a manager overrode per order (by releasing their holds by hand)."""
    if not order_ids:
        return {}
    rows = session.execute(sa.select(AuditEvent.order_id, AuditEvent.detail).where(
        AuditEvent.order_id.in_(order_ids), AuditEvent.action == "override"))
    found: dict[int, frozenset[str]] = {}
    for order_id, detail in rows:
        found[order_id] = found.get(order_id, frozenset()) | set((detail or {}).get("checks", []))
    return found


# -- holds, releases, approval, edits, cancellation ------------------------------------------
def _one(db: Database, ref, change, actor: Actor) -> OrderResult:
    with db.uow() as uow:
        s = uow.session
        order = order_by_ref(s, ref, locked=True)
        scope.check_order(s, actor, order.id, str(ref).strip())
        message = change(s, order)
        s.flush()
        out = result(order, message=message, shipments=shipments_of(s, order.id))
        uow.commit()
        return out


def hold_order(db: Database, *, actor: Actor, order_id: int | str, reason: str) -> OrderResult:
    """A manual hold: it stays until someone releases it, whatever verification says."""
    require(actor, "orders.hold")
    if not reason.strip():
        raise ValidationError("A hold needs a reason")

    def change(s: Session, order: Order) -> str:
        same = next((h for h in order.active_holds if h.reason == HoldReason.manual), None)
        if same is not None:
            raise told(order.label, Change("hold", same.placed_by, None, same.placed_at))
        order.hold(HoldReason.manual, by=actor, note=reason.strip())
        publish(s, OrderChanged(actor=actor, order_id=order.id))
        return f"Held: {reason.strip()}"
    return _one(db, order_id, change, actor)


def release_order(db: Database, *, actor: Actor, order_id: int | str,
                  reasons: set[str] | None = None) -> OrderResult:
    """Lift holds (all, or the given reasons). Lifting a check's hold by hand overrides that
    check: verification will not place it again on this order."""
    require(actor, "orders.release")

    def change(s: Session, order: Order) -> str:
        lifted = [h for h in order.active_holds if reasons is None or h.reason.value in reasons]
        if not lifted:
            raise _released(order, reasons) or ValidationError(
                f"Order {order.number} has no such hold to release")
        if any(h.reason == HoldReason.fraud_review for h in lifted):
            require(actor, "fraud.review")
        checks = sorted({c for h in lifted for c in CHECK_OF_REASON.get(h.reason.value, ())})
        if checks:
            s.add(AuditEvent.of(actor, entity="order", entity_id=order.id, order_id=order.id,
                                action="override", detail={"checks": checks}))
        was = order.status
        order.release(by=actor, reasons={h.reason for h in lifted})
        _changed(s, actor, order, was)
        return "Released: " + ", ".join(h.reason.value for h in lifted)
    return _one(db, order_id, change, actor)


def approve_order(db: Database, *, actor: Actor, order_id: int | str,
                  note: str | None = None) -> OrderResult:
    """A manager approves an order held for fraud review; the approval is recorded."""
    require(actor, "fraud.review")

    def change(s: Session, order: Order) -> str:
        if not any(h.reason == HoldReason.fraud_review for h in order.active_holds):
            raise refusal(s, "order", order.id, order.label, actions=("fraud_approved",)) or \
                ValidationError(f"Order {order.number} is not held for fraud review")
        s.add(AuditEvent.of(actor, entity="order", entity_id=order.id, order_id=order.id,
                            action="fraud_approved",
                            detail={"score": order.fraud_score, "note": note}))
        was = order.status
        order.release(by=actor, reasons={HoldReason.fraud_review})
        _changed(s, actor, order, was)
        return "Fraud review approved" + (", still held" if order.active_holds else "")
    return _one(db, order_id, change, actor)


def _released(order: Order, reasons: set[str] | None):
    """ConcurrentChange naming who last lifted such a hold, if anyone did."""
    lifted = [h for h in order.holds if h.released_at is not None
              and (reasons is None or h.reason.value in reasons)]
    latest = max(lifted, key=lambda h: h.released_at, default=None)
    return told(order.label, Change("release", latest.released_by, None,
                                    latest.released_at)) if latest else None


def _changed(session: Session, actor: Actor, order: Order, was: OrderStatus) -> None:
    publish(session, OrderChanged(actor=actor, order_id=order.id))
    if order.status == OrderStatus.verified and was != OrderStatus.verified:
        publish(session, OrderVerified(actor=actor, order_id=order.id))


def cancel_order(db: Database, *, actor: Actor, order_id: int | str,
                 reason: str | None = None) -> OrderResult:
    """Cancel the order and every shipment not yet shipped, releasing their reservations."""
    require(actor, "orders.cancel")

    def change(s: Session, order: Order) -> str:
        ORDER_FLOW.target("cancel", order.status, order.number, entity_id=order.id,
                          subject=order.label)
        released = allocation.cancel_shipments_of(s, order, actor)
        order.cancel(by=actor, reason=reason)
        publish(s, OrderCancelled(actor=actor, order_id=order.id,
                         product_ids=tuple(sorted(released))))
        publish(s, OrderChanged(actor=actor, order_id=order.id))
        return "Cancelled" + (f", released {sum(released.values())} reserved units"
                              if released else "")
    return _one(db, order_id, change, actor)


EDITABLE = {"ship_name", "ship_company", "ship_line1", "ship_line2", "ship_city", "ship_region",
            "ship_postal_code", "ship_country", "ship_phone", "requested_service", "carrier",
            "service", "priority", "notes", "email", "financial_status"}


def edit_order(db: Database, *, actor: Actor, order_id: int | str, **changes) -> OrderResult:
    """Change address, service, priority, payment state or the forced location
    (`preferred_location="WH2"`), then verify again when the order is not yet in fulfilment."""
    require(actor, "orders.edit")
    unknown = set(changes) - EDITABLE - {"preferred_location"}
    if unknown:
        raise ValidationError(f"Cannot edit {', '.join(sorted(unknown))}")
    with db.uow() as uow:
        s = uow.session
        order = order_by_ref(s, order_id, locked=True)
        scope.check_order(s, actor, order.id, str(order_id).strip())
        _set_fields(s, order, changes)
        s.add(AuditEvent.of(actor, entity="order", entity_id=order.id, order_id=order.id,
                            action="edit", detail={k: str(v) for k, v in changes.items()}))
        publish(s, OrderChanged(actor=actor, order_id=order.id))
        out = verify_in_session(s, actor, [order.id])[0] if order.status in VERIFIABLE \
            else result(order, message="Edited")
        uow.commit()
        return out


def _set_fields(session: Session, order: Order, changes: dict) -> None:
    for name, value in changes.items():
        if name == "preferred_location":
            order.preferred_location_id = location_by_code(session, value).id if value else None
        elif name == "financial_status":
            order.financial_status = FinancialStatus(value)
        else:
            setattr(order, name, value)
