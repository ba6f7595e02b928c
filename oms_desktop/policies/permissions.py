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
    "books.post": Role.manager,  # set up targets, map, post and retry postings to the books
    "users.manage": Role.admin,
    "b2b.manage": Role.manager,  # business accounts, terms, prices, trading partners
    "b2b.orders": Role.supervisor,  # purchase orders by hand, file or EDI
    "b2b.payments": Role.supervisor,  # recording what a customer paid
}


# Shared settings: the least role that changes a key, by its longest matching name (one ending
# in "." is a prefix, any other a whole key); any other key needs a manager ("settings.edit").
# Each user's own preferences (`user.<id>.…`) are theirs alone. On PostgreSQL the same table
# becomes a row-level policy on `settings`.
SETTING_ROLES: dict[str, Role] = {
    "sequence.": Role.packer,  # label and document numbers, taken while working
    "floor.quantity_limit": Role.supervisor,
    "lock.": Role.manager,  # auto-lock of the stations
    "printers.": Role.manager,
    "carrier.": Role.manager,
    "channels.": Role.manager,
    "shipping.": Role.manager,
    "returns.": Role.manager,
    "database.": Role.admin,
    "users.": Role.admin,  # lockout rule
}
DEFAULT_SETTING_ROLE = Role.manager
OWN_PREFERENCES = "user."


def setting_role(key: str) -> Role:
    """The least role that may change the shared setting `key`."""
    matches = [prefix for prefix in SETTING_ROLES
               if key == prefix or prefix.endswith(".") and key.startswith(prefix)]
    return SETTING_ROLES[max(matches, key=len)] if matches else DEFAULT_SETTING_ROLE


def may_change_setting(actor: Actor, key: str) -> bool:
    if key.startswith(OWN_PREFERENCES):
        return key.startswith(f"{OWN_PREFERENCES}{actor.user_id}.") or actor.role == Role.admin
    return actor.role.at_least(setting_role(key))


def require_setting(actor: Actor, key: str) -> None:
    if not may_change_setting(actor, key):
        raise PermissionDenied(f"{actor.name} ({actor.role.value}) may not change the setting"
                               f" {key}: {_a(setting_role(key))} or above must do it")


def allowed(actor: Actor, action: str) -> bool:
    return actor.role.at_least(PERMISSIONS[action])


def require(actor: Actor, action: str) -> None:
    if not allowed(actor, action):
        raise PermissionDenied(
            f"{actor.name} ({actor.role.value}) may not {action.replace('.', ' ')}:"
            f" {_a(PERMISSIONS[action])} or above must do it")


def _a(role: Role) -> str:
    return f"{'an' if role.value[0] in 'aeiou' else 'a'} {role.value}"
