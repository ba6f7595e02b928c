"""Who may do what. Services call `require` before they change anything; the UI only hides."""

from __future__ import annotations

from oms_desktop.errors import PermissionDenied
from oms_desktop.values import Actor, Role

# action -> the least role that may do it
PERMISSIONS: dict[str, Role] = {
    "orders.view": Role.packer,
    "orders.verify": Role.supervisor,
    "orders.allocate": Role.supervisor,
    "orders.hold": Role.supervisor,
    "orders.release": Role.manager,
    "orders.cancel": Role.manager,
    "orders.edit": Role.manager,
    "fraud.review": Role.manager,
    "stock.view": Role.packer,
    "stock.receive": Role.packer,
    "stock.move": Role.packer,
    "stock.reserve": Role.packer,
    "stock.adjust": Role.supervisor,
    "stock.count": Role.packer,
    "stock.count.approve": Role.supervisor,
    "floor.pick": Role.packer,
    "floor.pack": Role.packer,
    "floor.quantity_limit": Role.supervisor,
    "shipping.label": Role.packer,
    "shipping.void": Role.supervisor,
    "shipping.manifest": Role.supervisor,
    "returns.create": Role.supervisor,
    "returns.receive": Role.packer,
    "returns.refund": Role.supervisor,
    "returns.refund.approve": Role.manager,
    "rules.edit": Role.manager,
    "stock.replenish": Role.supervisor,
    "channels.manage": Role.manager,
    "channels.sync": Role.supervisor,
    "settings.edit": Role.manager,
    "users.manage": Role.admin,
}


def allowed(actor: Actor, action: str) -> bool:
    return actor.role.at_least(PERMISSIONS[action])


def require(actor: Actor, action: str) -> None:
    if not allowed(actor, action):
        need = PERMISSIONS[action].value
        raise PermissionDenied(
            f"{actor.name} ({actor.role.value}) may not {action.replace('.', ' ')}:"
            f" a {need} or above must do it")
