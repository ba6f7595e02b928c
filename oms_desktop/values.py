"""Plain values shared by every layer: who acts (Actor, Role) and the kinds of customer
notification. Nothing here imports SQLAlchemy or Qt, so policies can use them."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    packer = "packer"
    supervisor = "supervisor"
    manager = "manager"
    admin = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def at_least(self, other: "Role") -> bool:
        return self.rank >= other.rank


@dataclass(frozen=True)
class Actor:
    """Who does something, from where: recorded on every transition and stock move."""

    name: str
    role: Role
    user_id: int | None = None
    station: str | None = None
    source: str | None = None  # e.g. "rule:Hold big orders", "sync:shopify-main"

    def via(self, source: str) -> "Actor":
        return Actor(self.name, self.role, self.user_id, self.station, source)


SYSTEM = Actor(name="system", role=Role.admin)


class NotificationKind(enum.StrEnum):
    order_confirmation = "order_confirmation"
    shipped = "shipped"
    ready_for_pickup = "ready_for_pickup"
    return_received = "return_received"
    refund_issued = "refund_issued"
