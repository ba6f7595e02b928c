"""State machines as data: a transition table per entity and one method per verb (STYLE habit 5)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Generic, TypeVar

from oms_desktop.errors import InvalidTransition
from oms_desktop.values import SYSTEM, Actor, Role  # noqa: F401 - the model's vocabulary

S = TypeVar("S", bound=enum.Enum)


@dataclass(frozen=True)
class StateMachine(Generic[S]):
    """verb -> (states it may start from, state it leads to)."""

    entity: str
    transitions: dict[str, tuple[frozenset[S], S]]

    def target(self, verb: str, state: S, label: str) -> S:
        sources, target = self.transitions[verb]
        if state not in sources:
            raise InvalidTransition(
                f"Cannot {verb.replace('_', ' ')} {self.entity} {label}: it is {state.value}"
                f" (allowed from {', '.join(sorted(s.value for s in sources))})"
            )
        return target

    def verbs_from(self, state: S) -> list[str]:
        """The verbs allowed from a state, in table order: the UI enables buttons from this."""
        return [verb for verb, (sources, _) in self.transitions.items() if state in sources]


def table(entity: str, rows: dict[str, tuple[tuple[S, ...], S]]) -> StateMachine[S]:
    return StateMachine(entity, {verb: (frozenset(src), dst) for verb, (src, dst) in rows.items()})
