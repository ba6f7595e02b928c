"""What every screen is given: the database, who is signed in, the ops helper and the one
app-wide "changes applied" signal (STYLE habit 8). Screens never hold a Session."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from oms_desktop.model import Actor
from oms_desktop.storage import Database
from oms_desktop.ui.ops import Ops


class ChangeHub(QObject):
    """`changed` carries the set of areas touched ({"orders", "stock", "shipments", …});
    each screen decides itself whether to reload."""

    changed = Signal(object)

    def announce(self, *areas: str) -> None:
        self.changed.emit(set(areas))


@dataclass
class AppContext:
    db: Database
    actor: Actor
    ops: Ops
    changes: ChangeHub = field(default_factory=ChangeHub)

    @property
    def station(self) -> str | None:
        return self.actor.station
