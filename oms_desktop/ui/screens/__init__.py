"""The screens, one module each, and the registry the main window builds its sidebar from.

Screens are imported lazily, when first opened; an entry whose module does not exist is not
shown (no placeholder screens)."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from oms_desktop.model import Role


@dataclass(frozen=True)
class ScreenEntry:
    title: str
    target: str  # "package.module:Class"
    least_role: Role
    shortcut: str

    @property
    def module(self) -> str:
        return self.target.split(":", 1)[0]

    def exists(self) -> bool:
        try:
            return importlib.util.find_spec(self.module) is not None
        except ModuleNotFoundError:
            return False

    def load(self) -> type:
        module, name = self.target.split(":", 1)
        return getattr(importlib.import_module(module), name)


_S = "oms_desktop.ui.screens."
SCREENS: list[ScreenEntry] = [
    ScreenEntry("Dashboard", _S + "dashboard:DashboardScreen", Role.supervisor, "Ctrl+1"),
    ScreenEntry("Orders", _S + "orders:OrdersScreen", Role.packer, "Ctrl+2"),
    ScreenEntry("Picking", _S + "picking:PickingScreen", Role.packer, "Ctrl+3"),
    ScreenEntry("Packing", _S + "packing:PackingScreen", Role.packer, "Ctrl+4"),
    ScreenEntry("Click & collect", _S + "pickup:PickupScreen", Role.packer, "Ctrl+0"),
    ScreenEntry("Shipping", _S + "shipping:ShippingScreen", Role.packer, "Ctrl+5"),
    ScreenEntry("Returns", _S + "returns:ReturnsScreen", Role.packer, "Ctrl+6"),
    ScreenEntry("Inventory", _S + "inventory:InventoryScreen", Role.packer, "Ctrl+7"),
    ScreenEntry("Channels", _S + "channels:ChannelsScreen", Role.manager, "Ctrl+8"),
    ScreenEntry("Rules", _S + "rules:RulesScreen", Role.manager, "Ctrl+9"),
    ScreenEntry("Books", _S + "books:BooksScreen", Role.manager, "Ctrl+Shift+B"),
    ScreenEntry("Purchase orders", _S + "purchase_orders:PurchaseOrdersScreen",
                Role.supervisor, "Ctrl+Shift+O"),
    ScreenEntry("Credit & invoices", _S + "b2b_credit:B2bCreditScreen", Role.supervisor,
                "Ctrl+Shift+I"),
    ScreenEntry("Settings", _S + "settings:SettingsScreen", Role.supervisor, "Ctrl+,"),
]
ORDER_DETAIL = ScreenEntry("Order", _S + "order_detail:OrderDetailScreen", Role.packer, "")


# where each role lands after signing in: packers at the pack station, the rest on the queue
LANDING = {Role.packer: "Packing"}


def landing_title(role: Role) -> str:
    return LANDING.get(role, "Orders")


def screens_for(role: Role) -> list[ScreenEntry]:
    """The screens this role may open whose modules exist, in sidebar order."""
    return [e for e in SCREENS if role.at_least(e.least_role) and e.exists()]
