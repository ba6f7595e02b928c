"""Publishing events to their handlers. The table of which handlers each event type has is
built in one place, `oms_desktop.bootstrap`, and installed with `start()` by every entry
point (the window, the command line, the tests) before the first use case runs."""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from sqlalchemy.orm import Session

from oms_desktop.services.events import Event

Handler = Callable[[Session, Event], None]
HandlerTable = Mapping[type[Event], Sequence[Handler]]

_table: HandlerTable | None = None


def install(table: HandlerTable) -> None:
    global _table
    _table = table


def installed() -> bool:
    return _table is not None


def has_handlers(event_type: type[Event]) -> bool:
    return bool(_table and _table.get(event_type))


def publish(session: Session, event: Event) -> None:
    """Run the event's handlers in the caller's transaction (nothing is committed here)."""
    if _table is None:
        raise RuntimeError("The message bus has no handlers: call oms_desktop.bootstrap.start() "
                           "at start-up")
    for handler in _table.get(type(event), ()):
        handler(session, event)
