"""Which rules contradict each other: two enabled rules that can run on the same event and
set one thing (carrier and service, location, priority, a tag, hold or release) differently."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from oms_desktop.policies.rules import Action, RuleSpec

# Rules for "order imported" also run when an order changes, so these two share events.
_ORDER_SIDE = frozenset({"order_imported", "order_changed"})
_EFFECT = {
    "hold": ("hold", lambda a: "hold"), "release": ("hold", lambda a: "release"),
    "assign_location": ("location", lambda a: a.get("location")),
    "set_shipping": ("shipping", lambda a: (a.get("carrier"), a.get("service"))),
    "set_priority": ("priority", lambda a: a.get("priority")),
}


@dataclass(frozen=True)
class Clash:
    field: str
    first_rule: str
    first_value: Any
    second_rule: str
    second_value: Any


def _effect(action: Action) -> tuple[str, Any] | None:
    if action.type in ("add_tag", "remove_tag"):
        return f"tag:{action.get('tag')}", action.type == "add_tag"
    if action.type in _EFFECT:
        key, value = _EFFECT[action.type]
        return key, value(action)
    return None


def effects(rule: RuleSpec) -> dict[str, Any]:
    """What the rule sets, by what it touches: {"shipping": ("dhl", None), "tag:x": True}."""
    return dict(e for e in map(_effect, rule.actions) if e is not None)


def share_events(trigger_a: str, trigger_b: str) -> bool:
    return trigger_a == trigger_b or {trigger_a, trigger_b} <= _ORDER_SIDE


def clashes(rules: Sequence[tuple[str, RuleSpec]]) -> list[Clash]:
    """Every pair (in run order) of (trigger, rule) that sets one thing differently."""
    found = [(trigger, rule, effects(rule)) for trigger, rule in rules]
    out = []
    for i, (ta, a, ea) in enumerate(found):
        for tb, b, eb in found[i + 1:]:
            if share_events(ta, tb):
                out += [Clash(k, a.name, ea[k], b.name, eb[k])
                        for k in sorted(ea.keys() & eb.keys()) if ea[k] != eb[k]]
    return out
