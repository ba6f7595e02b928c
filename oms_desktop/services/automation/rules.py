"""Automation rules: editing them, running them on domain events (and again whenever the order
changes), dry-running one against existing orders, and reporting conflicts between rules.

Every change a rule makes is written to the order's audit trail with actor
`<who triggered it> via rule:<name>`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import (
    Actor, AuditEvent, AutomationRule, HoldReason, Order, OrderLine, OrderStatus, OrderTag,
    RuleRun, RuleTrigger, Shipment, utcnow,
)
from oms_desktop.policies import rules as policy
from oms_desktop.policies.permissions import require
from oms_desktop.policies.rule_conflicts import clashes
from oms_desktop.services import events as ev
from oms_desktop.services.automation import notifications
from oms_desktop.services.automation.rule_facts import (
    ACTIVE, CHUNK, facts_for, load_facts, order_query,
)
from oms_desktop.services.lookup import location_by_code
from oms_desktop.services.orders import pipeline
from oms_desktop.storage import Database

# Rules for "order imported" run again on every change: edits re-trigger them.
EVENT_TRIGGERS: dict[type[ev.Event], tuple[RuleTrigger, ...]] = {
    ev.OrderImported: (RuleTrigger.order_imported,),
    ev.OrderChanged: (RuleTrigger.order_imported, RuleTrigger.order_changed),
    ev.StockChanged: (RuleTrigger.stock_changed,),
    ev.ShipmentPacked: (RuleTrigger.shipment_packed,),
    ev.ShipmentShipped: (RuleTrigger.shipment_shipped,),
}
_RUNNING = "rules.running"


@dataclass(frozen=True)
class RuleView:
    id: int
    name: str
    position: int
    enabled: bool
    trigger: str
    conditions: list[dict]
    actions: list[dict]


@dataclass(frozen=True)
class ChangeView:
    action: str
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class DryRunRow:
    order_id: int
    number: str
    changes: list[ChangeView]


@dataclass(frozen=True)
class DryRun:
    """`examined`: the active orders left after the database filter; `matched` of those
    match every condition; `changed` of those would change (`rows`, up to the limit)."""

    rule: str
    examined: int
    matched: int
    changed: int
    rows: list[DryRunRow]


@dataclass(frozen=True)
class RuleConflict:
    field: str
    first_rule: str
    first_value: Any
    second_rule: str
    second_value: Any
    orders: int
    sample: list[str]


# -- editing -----------------------------------------------------------------------------------
def _view(rule: AutomationRule) -> RuleView:
    return RuleView(rule.id, rule.name, rule.position, rule.enabled, rule.trigger.value,
                    list(rule.conditions), list(rule.actions))


def _checked(session: Session, name: str, conditions: list, actions: list) -> policy.RuleSpec:
    if not name or not name.strip():
        raise ValidationError("A rule needs a name")
    spec = policy.parse_rule(name.strip(), conditions, actions)
    for action in spec.actions:
        if action.type == "assign_location":
            location_by_code(session, action.get("location"))
    return spec


def _trigger(value: str) -> RuleTrigger:
    key = value.replace(".", "_").replace(" ", "_").replace("-", "_")
    if key not in RuleTrigger.__members__:
        raise ValidationError(f"Unknown trigger {value!r}: one of {', '.join(RuleTrigger)}")
    return RuleTrigger(key)


def _rule(session: Session, name: str) -> AutomationRule:
    rule = session.scalar(sa.select(AutomationRule).where(AutomationRule.name == name))
    if rule is None:
        raise NotFound(f"No rule named {name!r}")
    return rule


def create_rule(db: Database, *, actor: Actor, name: str, trigger: str, conditions: list[dict],
                actions: list[dict], enabled: bool = True) -> RuleView:
    """Add a rule at the end of the list."""
    require(actor, "rules.edit")
    with db.uow() as uow:
        s = uow.session
        spec = _checked(s, name, conditions, actions)
        if s.scalar(sa.select(AutomationRule.id).where(AutomationRule.name == spec.name)):
            raise ValidationError(f"A rule named {spec.name!r} exists already")
        last = s.scalar(sa.select(sa.func.max(AutomationRule.position))) or 0
        rule = AutomationRule(name=spec.name, position=last + 1, enabled=enabled,
                              trigger=_trigger(trigger), conditions=list(conditions),
                              actions=list(actions), created_by=actor.name)
        s.add(rule)
        uow.commit()
        return _view(rule)


def update_rule(db: Database, *, actor: Actor, name: str, trigger: str | None = None,
                conditions: list[dict] | None = None,
                actions: list[dict] | None = None) -> RuleView:
    require(actor, "rules.edit")
    with db.uow() as uow:
        rule = _rule(uow.session, name)
        conditions = rule.conditions if conditions is None else conditions
        actions = rule.actions if actions is None else actions
        _checked(uow.session, name, conditions, actions)
        rule.conditions, rule.actions = list(conditions), list(actions)
        if trigger is not None:
            rule.trigger = _trigger(trigger)
        uow.session.execute(sa.delete(RuleRun).where(RuleRun.rule_id == rule.id))
        uow.commit()
        return _view(rule)


def set_enabled(db: Database, *, actor: Actor, name: str, enabled: bool) -> RuleView:
    require(actor, "rules.edit")
    with db.uow() as uow:
        rule = _rule(uow.session, name)
        rule.enabled = enabled
        uow.commit()
        return _view(rule)


def reorder(db: Database, *, actor: Actor, names: list[str]) -> list[RuleView]:
    """Put the named rules first, in this order; the others keep their order after them."""
    require(actor, "rules.edit")
    with db.uow() as uow:
        rules = uow.session.scalars(sa.select(AutomationRule)
                                    .order_by(AutomationRule.position)).all()
        by_name = {r.name: r for r in rules}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise NotFound(f"No rule named {missing[0]!r}")
        ordered = [by_name[n] for n in names] + [r for r in rules if r.name not in names]
        for position, rule in enumerate(ordered, start=1):
            rule.position = position
        uow.commit()
        return [_view(r) for r in ordered]


def list_rules(db: Database) -> list[RuleView]:
    with db.uow(readonly=True) as uow:
        return [_view(r) for r in uow.session.scalars(
            sa.select(AutomationRule).order_by(AutomationRule.position))]


# -- running on events -------------------------------------------------------------------------
def on_event(session: Session, event: ev.Event) -> None:
    """Subscriber: run the rules whose trigger this event is, on the orders it concerns."""
    triggers = EVENT_TRIGGERS.get(type(event))
    if not triggers or session.info.get(_RUNNING) or (event.actor.source or "").startswith(
            "rule:"):
        return
    rules = _enabled(session, triggers)
    if not rules:
        return
    session.info[_RUNNING] = True
    try:
        run_on_orders(session, _orders_of(session, event), rules, actor=event.actor,
                      shipment_id=event.shipment_id)
    finally:
        session.info.pop(_RUNNING, None)


def _enabled(session: Session, triggers) -> list[tuple[int, policy.RuleSpec]]:
    """The enabled rules for these triggers, parsed once per unit of work."""
    cache = session.info.setdefault("rules.enabled", {})
    if triggers not in cache:
        cache[triggers] = [(r.id, _spec(r)) for r in session.scalars(
            sa.select(AutomationRule).where(AutomationRule.enabled.is_(True),
                                            AutomationRule.trigger.in_(triggers))
            .order_by(AutomationRule.position))]
    return cache[triggers]


def _orders_of(session: Session, event: ev.Event) -> list[int]:
    if event.order_id is not None:
        return [event.order_id]
    if event.shipment_id is not None:
        return [session.scalar(sa.select(Shipment.order_id)
                               .where(Shipment.id == event.shipment_id))]
    if event.product_ids:
        return list(session.scalars(
            sa.select(OrderLine.order_id).distinct().join(Order)
            .where(OrderLine.product_id.in_(event.product_ids),
                   Order.status.in_(policy.OPEN_STATUSES))
            .order_by(OrderLine.order_id)))
    return []


def _spec(rule: AutomationRule) -> policy.RuleSpec:
    return policy.parse_rule(rule.name, rule.conditions, rule.actions)


def run_on_orders(session: Session, order_ids: list[int],
                  rules: list[tuple[int, policy.RuleSpec]], *, actor: Actor,
                  shipment_id: int | None = None) -> dict[int, policy.Plan]:
    """Session helper: plan the rules on each order and apply the net changes, each one
    audited with the rule's name; what each rule saw is remembered."""
    specs, ids = [spec for _, spec in rules], {spec.name: rid for rid, spec in rules}
    plans = {}
    for start in range(0, len(order_ids), CHUNK):
        chunk = order_ids[start:start + CHUNK]
        runs = _runs(session, chunk)
        for facts in facts_for(session, chunk, specs):
            seen = runs.get(facts.order_id, {})
            memory = {spec.name: (seen[rid].matched, seen[rid].digest)
                      for rid, spec in rules if rid in seen}
            plan = policy.plan(specs, facts, date.today(), memory)
            _carry_out(session, facts.order_id, plan, actor=actor, shipment_id=shipment_id)
            _remember(session, facts.order_id, plan, ids, seen)
            plans[facts.order_id] = plan
    return plans


def _runs(session: Session, order_ids: list[int]) -> dict[int, dict[int, RuleRun]]:
    out: dict[int, dict[int, RuleRun]] = {}
    for run in session.scalars(sa.select(RuleRun).where(RuleRun.order_id.in_(order_ids))):
        out.setdefault(run.order_id, {})[run.rule_id] = run
    return out


def _carry_out(session: Session, order_id: int, plan: policy.Plan, *, actor: Actor,
               shipment_id: int | None) -> None:
    if not plan.changes and not plan.conflicts:
        return
    order = session.get(Order, order_id)
    for change in plan.changes:
        _apply(session, order, change, actor=actor, shipment_id=shipment_id)
    for conflict in plan.conflicts:
        _audit(order, actor.via(f"rule:{conflict.second_rule}"), "rule.conflict",
               {"field": conflict.field, "first_rule": conflict.first_rule,
                "first_value": _plain(conflict.first_value),
                "second_rule": conflict.second_rule,
                "second_value": _plain(conflict.second_value)})


def _remember(session: Session, order_id: int, plan: policy.Plan, ids: dict[str, int],
              runs: dict[int, RuleRun]) -> None:
    for name, matched, seen in plan.runs:
        run = runs.get(ids[name])
        if run is None:
            session.add(RuleRun(rule_id=ids[name], order_id=order_id, matched=matched,
                                digest=seen, at=utcnow()))
        elif (run.matched, run.digest) != (matched, seen):
            run.matched, run.digest, run.at = matched, seen, utcnow()


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _audit(order: Order, by: Actor, action: str, detail: dict) -> None:
    order.audit.add(AuditEvent.of(by, entity="order", entity_id=order.id, order_id=order.id,
                                  action=action, detail=detail))


def _apply(session: Session, order: Order, change: policy.Change, *, actor: Actor,
           shipment_id: int | None) -> None:
    by = actor.via(f"rule:{change.rule}")
    detail = {"rule": change.rule, "field": change.field, "from": change.before,
              "to": change.after}
    if change.action == "hold":
        order.hold(HoldReason.rule, by=by, note=change.rule)
        return
    _APPLY[change.action](session, order, change, by, shipment_id)
    _audit(order, by, f"rule.{change.action}", detail)
    if change.action == "release" and order.status == OrderStatus.verified:
        _reverify(session, order, actor)


def _release(session, order: Order, change, by: Actor, _shipment) -> None:
    for hold in order.active_holds:
        if hold.reason == HoldReason.rule and hold.note == change.before:
            hold.released_at, hold.released_by = utcnow(), by.name
    order.release(by=by, reasons=set())


def _reverify(session: Session, order: Order, by: Actor) -> None:
    """A lifted rule hold is no pass: the order's checks run again (issue 3, part A)."""
    session.flush()
    pipeline.verify_in_session(session, by, [order.id])
    session.expire(order)


def _shipping(session, order: Order, change, by, _shipment) -> None:
    order.carrier, order.service = change.after["carrier"], change.after["service"]


def _location(session, order: Order, change, by, _shipment) -> None:
    order.preferred_location_id = location_by_code(session, change.after).id


def _priority(session, order: Order, change, by, _shipment) -> None:
    order.priority = change.after


def _add_tag(session, order: Order, change, by, _shipment) -> None:
    order.tags.append(OrderTag(tag=change.after))


def _remove_tag(session, order: Order, change, by, _shipment) -> None:
    for tag in [t for t in order.tags if t.tag == change.before]:
        order.tags.remove(tag)


def _notify(session, order: Order, change, by, shipment_id) -> None:
    notifications.enqueue(session, change.after, order=order, shipment_id=shipment_id)


_APPLY = {"release": _release, "set_shipping": _shipping, "assign_location": _location,
          "set_priority": _priority, "add_tag": _add_tag, "remove_tag": _remove_tag,
          "notify": _notify}


# -- dry run and conflicts ---------------------------------------------------------------------
def dry_run(db: Database, name: str, *, limit: int | None = None) -> DryRun:
    """Which active orders this rule would change, and how; nothing is written."""
    with db.uow(readonly=True) as uow:
        spec = _spec(_rule(uow.session, name))
        today = date.today()
        facts = load_facts(uow.session, order_query([spec], today), [spec])
    rows, matched = [], 0
    for f in facts:
        plan = policy.plan([spec], f, today)
        matched += bool(plan.matched)
        if plan.changes:
            rows.append(DryRunRow(f.order_id, f.number, [
                ChangeView(c.action, c.field, c.before, c.after) for c in plan.changes]))
    return DryRun(spec.name, len(facts), matched, len(rows), rows[:limit] if limit else rows)


def conflicts(db: Database, *, sample: int = 10) -> list[RuleConflict]:
    """Pairs of enabled rules (that run on the same events) setting one thing differently,
    with the active orders both match today."""
    with db.uow(readonly=True) as uow:
        rules = list(uow.session.scalars(sa.select(AutomationRule).where(
            AutomationRule.enabled.is_(True)).order_by(AutomationRule.position)))
        specs = {r.name: _spec(r) for r in rules}
        found = clashes([(r.trigger.value, specs[r.name]) for r in rules])
        involved = [specs[n] for n in sorted({n for c in found
                                              for n in (c.first_rule, c.second_rule)})]
        facts = load_facts(uow.session, order_query(involved, date.today(), statuses=ACTIVE),
                           involved) if found else []
    today, out = date.today(), []
    for c in found:
        both = [f.number for f in facts if policy.matches(specs[c.first_rule], f, today)
                and policy.matches(specs[c.second_rule], f, today)]
        out.append(RuleConflict(c.field, c.first_rule, _plain(c.first_value), c.second_rule,
                                _plain(c.second_value), len(both), both[:sample]))
    return out
