"""Brands: whose name, address, logo and e-mail sender an order's parcels, slips, invoices and
e-mails carry (the brand of the order's channel). A brand may stand for a node of the location
tree (kind brand): its sites are the sites under that node, and a person limited to the brand
sees them (services.users.scope; row-level security on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from oms_desktop.model.base import Base, utcnow


class Brand(Base):
    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str]
    # the brand's node in the location tree (its sites are under it), if it has one
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"), unique=True)
    sender_name: Mapped[str]  # "From" on slips, labels and e-mails
    address_line1: Mapped[str | None]
    address_line2: Mapped[str | None]
    city: Mapped[str | None] = mapped_column(sa.String(128))
    region: Mapped[str | None] = mapped_column(sa.String(64))
    postal_code: Mapped[str | None] = mapped_column(sa.String(32))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    phone: Mapped[str | None] = mapped_column(sa.String(64))
    logo_path: Mapped[str | None] = mapped_column(sa.String(1024))
    email_sender: Mapped[str | None]  # "Alpine Outfitters <orders@alpine.example>"
    return_instructions: Mapped[str | None] = mapped_column(sa.Text)
    # e-mail templates of this brand: {"shipped.de": {"subject", "body_text", "body_html"}}
    # ("shipped" alone for every language); a kind without one uses the shared template
    templates: Mapped[dict] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def address_lines(self) -> tuple[str, ...]:
        place = " ".join(p for p in (self.postal_code, self.city) if p)
        return tuple(p for p in (self.sender_name, self.address_line1, self.address_line2,
                                 place, self.region, self.country) if p)
