"""Automation rules as plain data: validating conditions and actions, matching them against an
order's facts, and planning what the rules would change (no I/O).

A condition is `{"field": "country", "op": "in", "value": ["DE", "AT"]}`; an action is
`{"type": "set_shipping", "carrier": "dhl", "service": "paket"}`. Rules run top to bottom;
when two matching rules set one thing differently the later one wins and a Conflict says so."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable, Mapping, Sequence

from oms_desktop.errors import ValidationError
from oms_desktop.values import NotificationKind

SPLIT_TAG = "ship-available"  # allocation ships what it can now, the rest waits as backorder
OPEN_STATUSES = ("new", "verified", "on_hold")
HOLDABLE = ("new", "verified", "on_hold")

_TEXT = ("equals", "not_equals", "in", "not_in", "contains")
_NUMBER = ("equals", "not_equals", ">=", "<=", ">", "<")
FIELD_OPS: dict[str, tuple[str, ...]] = {
    "channel": _TEXT, "country": _TEXT, "region": _TEXT, "service": _TEXT,
    "customer_type": _TEXT, "total": _NUMBER, "weight": _NUMBER, "item_count": _NUMBER,
    "sku": ("any_in", "all_in", "none_in"),
    "tags": ("contains", "not_contains", "any_in", "none_in"),
    "ship_by": ("before", "after", "within_days", "is_empty"),
}
ACTION_PARAMS: dict[str, tuple[str, ...]] = {
    "hold": (), "release": (), "assign_location": ("location",),
    "set_shipping": ("carrier", "service"), "add_tag": ("tag",), "remove_tag": ("tag",),
    "set_priority": ("priority",), "split_backorders": (), "notify": ("kind",),
}
_LISTS = {"in", "not_in", "any_in", "all_in", "none_in"}


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any  # normalised: tuple of str, Decimal, int, date, str or None
    folded: frozenset[str] = frozenset()  # text operands case-folded, computed once


@dataclass(frozen=True)
class Action:
    type: str
    params: tuple[tuple[str, Any], ...] = ()

    def get(self, name: str, default: Any = None) -> Any:
        return dict(self.params).get(name, default)


@dataclass(frozen=True)
class RuleSpec:
    name: str
    conditions: tuple[Condition, ...]
    actions: tuple[Action, ...]


@dataclass(slots=True)
class OrderFacts:
    """What rules can see of an order, and the parts of it they can change."""

    order_id: int
    number: str
    status: str
    channel: str
    country: str | None = None
    region: str | None = None
    total: Decimal = Decimal(0)
    weight: int = 0
    item_count: int = 0
    skus: tuple[str, ...] = ()
    tags: frozenset[str] = frozenset()
    customer_type: str | None = None
    service: str | None = None
    ship_by: date | None = None
    carrier: str | None = None
    carrier_service: str | None = None
    location: str | None = None
    priority: int = 0
    rule_holds: frozenset[str] = frozenset()
    notified: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Change:
    rule: str
    action: str
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Conflict:
    field: str
    first_rule: str
    first_value: Any
    second_rule: str
    second_value: Any


@dataclass(frozen=True)
class Plan:
    matched: tuple[str, ...]
    changes: tuple[Change, ...]
    conflicts: tuple[Conflict, ...]
    runs: tuple[tuple[str, bool, str], ...] = ()


# -- validation --------------------------------------------------------------------------------
def parse_condition(raw: dict) -> Condition:
    if not isinstance(raw, dict) or set(raw) - {"field", "op", "value"}:
        raise ValidationError(f"A condition is {{field, op, value}}, not {raw!r}")
    name, op = raw.get("field"), raw.get("op")
    if name not in FIELD_OPS:
        raise ValidationError(f"Unknown condition field {name!r}: one of {', '.join(FIELD_OPS)}")
    if op not in FIELD_OPS[name]:
        raise ValidationError(f"{name} takes {', '.join(FIELD_OPS[name])}, not {op!r}")
    value = _operand(name, op, raw.get("value"))
    texts = value if isinstance(value, tuple) else (value,)
    return Condition(name, op, value, frozenset(_fold(v) for v in texts if isinstance(v, str)))


def _operand(name: str, op: str, value: Any) -> Any:
    if op == "is_empty":
        return None
    if op in _LISTS:
        items = value if isinstance(value, (list, tuple)) else [value]
        return tuple(_scalar(name, op, v) for v in items)
    return _scalar(name, op, value)


def _scalar(name: str, op: str, value: Any) -> Any:
    try:
        if name in ("total", "weight", "item_count"):
            return Decimal(str(value))
        if op == "within_days":
            days = int(value)
            if days < 0:
                raise ValueError
            return days
        if name == "ship_by":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(f"{name} {op} needs a valid value, not {value!r}") from None
    if value is None or str(value).strip() == "":
        raise ValidationError(f"{name} {op} needs a value")
    return str(value).strip()


def parse_action(raw: dict) -> Action:
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind not in ACTION_PARAMS:
        raise ValidationError(f"Unknown action {kind!r}: one of {', '.join(ACTION_PARAMS)}")
    extra = set(raw) - {"type", "note"} - set(ACTION_PARAMS[kind])
    if extra:
        raise ValidationError(f"Action {kind} does not take {', '.join(sorted(extra))}")
    params = {k: raw[k] for k in raw if k != "type" and raw[k] is not None}
    for name in ACTION_PARAMS[kind]:
        if name != "service" and name not in params:
            raise ValidationError(f"Action {kind} needs {name}")
    return Action(kind, tuple(sorted(_action_param(kind, params).items())))


def _action_param(kind: str, params: dict) -> dict:
    if kind == "set_priority":
        try:
            params["priority"] = int(params["priority"])
        except (TypeError, ValueError):
            raise ValidationError(f"Priority must be a whole number, not {params['priority']!r}")
    if kind == "notify" and params["kind"] not in NotificationKind.__members__:
        raise ValidationError(f"Unknown notification {params['kind']!r}: one of "
                              f"{', '.join(NotificationKind)}")
    return {k: (v if isinstance(v, int) else str(v).strip()) for k, v in params.items()}


def parse_rule(name: str, conditions: Iterable[dict], actions: Iterable[dict]) -> RuleSpec:
    spec = RuleSpec(name, tuple(parse_condition(c) for c in conditions),
                    tuple(parse_action(a) for a in actions))
    if not spec.actions:
        raise ValidationError(f"Rule {name!r} needs at least one action")
    return spec


# -- matching ----------------------------------------------------------------------------------
def _fold(value: Any) -> str:
    return str(value).casefold()


def _text(op: str, have: str | None, want: frozenset[str]) -> bool:
    h = _fold(have) if have is not None else None
    if op in ("equals", "in"):
        return h in want
    if op in ("not_equals", "not_in"):
        return h not in want
    return h is not None and any(w in h for w in want)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda a, b: a == b, "not_equals": lambda a, b: a != b,
    ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, "<": lambda a, b: a < b,
}


def _members(op: str, have: Iterable[str], wanted: frozenset[str]) -> bool:
    have = {_fold(h) for h in have}
    if op in ("contains", "any_in"):
        return not wanted.isdisjoint(have)
    if op in ("not_contains", "none_in"):
        return wanted.isdisjoint(have)
    return bool(have) and have <= wanted  # all_in


def _date(op: str, have: date | None, want: Any, today: date) -> bool:
    if op == "is_empty":
        return have is None
    if have is None:
        return False
    if op == "before":
        return have < want
    if op == "after":
        return have > want
    return have <= today + timedelta(days=want)  # within_days


def holds(condition: Condition, facts: OrderFacts, today: date) -> bool:
    name, op, value = condition.field, condition.op, condition.value
    if name in ("total", "weight", "item_count"):
        return _COMPARE[op](getattr(facts, name), value)
    if name == "sku":
        return _members(op, facts.skus, condition.folded)
    if name == "tags":
        return _members(op, facts.tags, condition.folded)
    if name == "ship_by":
        return _date(op, facts.ship_by, value, today)
    return _text(op, getattr(facts, name), condition.folded)


def matches(rule: RuleSpec, facts: OrderFacts, today: date) -> bool:
    return all(holds(c, facts, today) for c in rule.conditions)


def digest(rule: RuleSpec, facts: OrderFacts) -> str:
    """A fingerprint of the facts this rule's conditions read."""
    seen = {c.field: getattr(facts, _ATTR.get(c.field, c.field)) for c in rule.conditions}
    text = json.dumps(seen, sort_keys=True, default=lambda v: sorted(map(str, v))
                      if isinstance(v, (set, frozenset, tuple)) else str(v))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


_ATTR = {"sku": "skus"}


# -- planning ----------------------------------------------------------------------------------
@dataclass
class _State:
    facts: OrderFacts
    set_by: dict[str, tuple[str, Any]] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)


def _assign(state: _State, rule: str, key: str, value: Any, **updates: Any) -> None:
    earlier = state.set_by.get(key)
    if earlier and earlier[0] != rule and earlier[1] != value:
        state.conflicts.append(Conflict(key, earlier[0], earlier[1], rule, value))
    state.set_by[key] = (rule, value)
    for name, new in updates.items():
        setattr(state.facts, name, new)


def _act(state: _State, rule: str, action: Action) -> None:
    f, kind = state.facts, action.type
    if kind == "hold" and f.status in HOLDABLE:
        _assign(state, rule, "hold", "hold", rule_holds=f.rule_holds | {rule})
    elif kind == "release":
        _assign(state, rule, "hold", "release", rule_holds=frozenset())
    elif kind == "assign_location":
        _assign(state, rule, "location", action.get("location"), location=action.get("location"))
    elif kind == "set_shipping":
        value = (action.get("carrier"), action.get("service"))
        _assign(state, rule, "shipping", value, carrier=value[0], carrier_service=value[1])
    elif kind in ("add_tag", "remove_tag", "split_backorders"):
        tag = action.get("tag", SPLIT_TAG)
        tags = f.tags - {tag} if kind == "remove_tag" else f.tags | {tag}
        _assign(state, rule, f"tag:{tag}", kind != "remove_tag", tags=tags)
    elif kind == "set_priority":
        _assign(state, rule, "priority", action.get("priority"), priority=action.get("priority"))
    elif kind == "notify":
        _assign(state, rule, f"notify:{action.get('kind')}", True,
                notified=f.notified | {action.get("kind")})


def plan(rules: Sequence[RuleSpec], facts: OrderFacts, today: date,
         memory: Mapping[str, tuple[bool, str]] | None = None) -> Plan:
    """Run the rules top to bottom over the facts, each seeing what the earlier ones did.

    `memory` is what each rule saw last time (matched, digest): a rule that still matches
    facts it has seen does not act again (so a manager's override stands), and a rule that
    no longer matches lifts the hold it placed. Without memory (a dry run) every matching
    rule acts. Returns the net changes, the conflicts and what each rule saw now."""
    state, matched, runs = _State(replace(facts)), [], []  # a working copy
    for rule in rules:
        hit = matches(rule, state.facts, today)
        seen = digest(rule, state.facts) if memory is not None else ""
        runs.append((rule.name, hit, seen))
        if hit:
            matched.append(rule.name)
            if memory is None or memory.get(rule.name) != (True, seen):
                for action in rule.actions:
                    _act(state, rule.name, action)
        elif rule.name in state.facts.rule_holds:
            state.set_by[f"hold:{rule.name}"] = (rule.name, "release")
            state.facts.rule_holds = state.facts.rule_holds - {rule.name}
    return Plan(tuple(matched), tuple(diff(facts, state)), tuple(state.conflicts), tuple(runs))


def _by(state: _State, *keys: str) -> str:
    for key in keys:
        if key in state.set_by:
            return state.set_by[key][0]
    return ""


def diff(before: OrderFacts, state: _State) -> list[Change]:
    after, out = state.facts, []
    if (before.carrier, before.carrier_service) != (after.carrier, after.carrier_service):
        out.append(Change(_by(state, "shipping"), "set_shipping", "shipping",
                          _pair(before), _pair(after)))
    for name, action in (("location", "assign_location"), ("priority", "set_priority")):
        if getattr(before, name) != getattr(after, name):
            out.append(Change(_by(state, name), action, name, getattr(before, name),
                              getattr(after, name)))
    for tag in sorted(after.tags - before.tags):
        out.append(Change(_by(state, f"tag:{tag}"), "add_tag", "tags", None, tag))
    for tag in sorted(before.tags - after.tags):
        out.append(Change(_by(state, f"tag:{tag}"), "remove_tag", "tags", tag, None))
    for name in sorted(after.rule_holds - before.rule_holds):
        out.append(Change(name, "hold", "hold", None, name))
    for name in sorted(before.rule_holds - after.rule_holds):
        out.append(Change(_by(state, f"hold:{name}", "hold"), "release", "hold", name, None))
    for kind in sorted(after.notified - before.notified):
        out.append(Change(_by(state, f"notify:{kind}"), "notify", "notification", None, kind))
    return out


def _pair(facts: OrderFacts) -> dict | None:
    if facts.carrier is None and facts.carrier_service is None:
        return None
    return {"carrier": facts.carrier, "service": facts.carrier_service}


def needs(rules: Iterable[RuleSpec]) -> set[str]:
    """Which of the costlier facts (lines, tags, holds, notified) these rules read or change."""
    out: set[str] = set()
    for rule in rules:
        fields = {c.field for c in rule.conditions}
        kinds = {a.type for a in rule.actions}
        if fields & {"sku", "weight", "item_count"}:
            out.add("lines")
        if "tags" in fields or kinds & {"add_tag", "remove_tag", "split_backorders"}:
            out.add("tags")
        if kinds & {"hold", "release"}:
            out.add("holds")
        if "notify" in kinds:
            out.add("notified")
    return out
