"""State machines as data: a transition table per entity and one method per verb (STYLE habit 5)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Generic, TypeVar

from oms_desktop.errors import InvalidTransition
from oms_desktop.values import SYSTEM, Actor, Role  # noqa: F401 - the model's vocabulary

S = TypeVar("S", bound=enum.Enum)

# How a refusal names what happened first ("SHP-785 was packed by …"): verbs and the other
# audited actions, in the past tense. An action not listed reads as itself + "ed".
PAST = {
    "verify": "verified", "cancel": "cancelled", "hold": "put on hold", "start_fulfilment": "allocated", "allocation": "allocated",
    "assign": "allocated", "start_picking": "put on a pick list", "finish_picking": "picked",
    "ship": "shipped", "ready_for_pickup": "made ready for pickup", "hand_over": "handed over",
    "fraud_approved": "approved", "new_package": "started", "short_pick": "short-picked",
    "label": "labelled", "label_void": "given up (label voided)", "edit": "edited",
    "channel_update": "edited on the channel", "backorder_allocated": "allocated",
}


def past(action: str) -> str:
    if action in PAST:
        return PAST[action]
    return action + ("d" if action.endswith("e") else "ed")


@dataclass(frozen=True)
class StateMachine(Generic[S]):
    """verb -> (states it may start from, state it leads to)."""

    entity: str
    transitions: dict[str, tuple[frozenset[S], S]]

    @property
    def audit_entity(self) -> str:
        """The entity name the verbs' AuditEvents carry ("cycle count" -> "cycle_count")."""
        return self.entity.replace(" ", "_")

    def target(self, verb: str, state: S, label: str, *, entity_id: int | None = None,
               subject: str | None = None) -> S:
        """The state `verb` leads to from `state`, or InvalidTransition naming the entity (by
        `entity_id`, shown as `subject`) so the refusal can say who moved it there."""
        sources, target = self.transitions[verb]
        if state not in sources:
            refused = f"Cannot {verb.replace('_', ' ')} {self.entity} {label}"
            raise InvalidTransition(
                f"{refused}: it is {state.value}"
                f" (allowed from {', '.join(sorted(s.value for s in sources))})",
                entity=self.audit_entity, entity_id=entity_id, subject=subject or label,
                sources=frozenset(s.value for s in sources), refused=refused)
        return target

    def verbs_from(self, state: S) -> list[str]:
        """The verbs allowed from a state, in table order: the UI enables buttons from this."""
        return [verb for verb, (sources, _) in self.transitions.items() if state in sources]


def table(entity: str, rows: dict[str, tuple[tuple[S, ...], S]]) -> StateMachine[S]:
    return StateMachine(entity, {verb: (frozenset(src), dst) for verb, (src, dst) in rows.items()})
