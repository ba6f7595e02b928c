from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oms_desktop.model.base import Base


class LocationKind(enum.StrEnum):
    organisation = "organisation"
    brand = "brand"
    region = "region"
    warehouse = "warehouse"
    store = "store"
    threepl = "threepl"
    zone = "zone"
    bin = "bin"
    supplier = "supplier"
    customer = "customer"
    transit = "transit"
    inventory = "inventory"  # the counterpart of adjustments and cycle-count variances


SITE_KINDS = frozenset({LocationKind.warehouse, LocationKind.store, LocationKind.threepl})
# Locations that hold stock (StockLevel rows); the others are the far end of a move.
STOCK_KINDS = SITE_KINDS | {LocationKind.zone, LocationKind.bin, LocationKind.transit}


class Location(Base):
    """One node of the hierarchy organisation ▸ brand ▸ site ▸ zone ▸ bin, or a virtual
    location (supplier, customer, transit, inventory) at the far end of stock moves."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str]
    kind: Mapped[LocationKind]
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"), index=True)
    # The warehouse/store/3pl this location belongs to (itself for a site), kept so that
    # stock can be summed per site without walking the tree.
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"), index=True)
    walk_sequence: Mapped[int | None]
    sellable: Mapped[bool] = mapped_column(default=True)
    ships_from: Mapped[bool] = mapped_column(default=True)
    priority: Mapped[int] = mapped_column(default=100)
    country: Mapped[str | None] = mapped_column(sa.String(2))
    region: Mapped[str | None] = mapped_column(sa.String(64))
    city: Mapped[str | None] = mapped_column(sa.String(128))
    postal_code: Mapped[str | None] = mapped_column(sa.String(32))
    address_line1: Mapped[str | None]
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped["Location | None"] = relationship(
        remote_side=[id], foreign_keys=[parent_id])

    @property
    def is_site(self) -> bool:
        return self.kind in SITE_KINDS

    @property
    def holds_stock(self) -> bool:
        return self.kind in STOCK_KINDS
