"""What every screen is given: the database, who is signed in, the ops helper and the one
app-wide "changes applied" signal (STYLE habit 8). Screens never hold a Session."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, Signal, Slot

from oms_desktop.model import Actor
from oms_desktop.storage import Database
from oms_desktop.ui.ops import Ops


class ChangeHub(QObject):
    """`changed` carries the set of areas touched (storage.changes.Area: orders, stock,
    shipments, …); each screen decides itself whether to reload. What this workstation's ops
    commit arrives through the ops helper, what other workstations commit through
    ui.live; nobody announces changes by hand."""

    changed = Signal(object)

    @Slot(object)
    def announce_set(self, areas: set) -> None:
        self.changed.emit(set(areas))

    def announce(self, *areas: str) -> None:
        self.changed.emit(set(areas))


@dataclass
class AppContext:
    db: Database
    actor: Actor
    ops: Ops
    changes: ChangeHub = field(default_factory=ChangeHub)

    def __post_init__(self) -> None:
        self.ops.committed.connect(self.changes.announce_set, Qt.UniqueConnection)

    @property
    def station(self) -> str | None:
        return self.actor.station
