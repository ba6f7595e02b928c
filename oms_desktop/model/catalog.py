from __future__ import annotations

import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oms_desktop.model.base import Base
from oms_desktop.policies.barcodes import classify_barcode


class BarcodeKind(enum.StrEnum):
    gtin8 = "gtin8"
    gtin12 = "gtin12"
    gtin13 = "gtin13"
    gtin14 = "gtin14"
    other = "other"


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str]
    description: Mapped[str | None] = mapped_column(sa.Text)
    category: Mapped[str | None] = mapped_column(sa.String(64))
    price: Mapped[Decimal | None]
    weight_g: Mapped[int] = mapped_column(default=0)
    length_mm: Mapped[int] = mapped_column(default=0)
    width_mm: Mapped[int] = mapped_column(default=0)
    height_mm: Mapped[int] = mapped_column(default=0)
    is_kit: Mapped[bool] = mapped_column(default=False)
    hazmat: Mapped[bool] = mapped_column(default=False)
    oversize: Mapped[bool] = mapped_column(default=False)
    image_path: Mapped[str | None] = mapped_column(sa.String(512))
    supplier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # Made from an order line or a store's listing without the facts a parcel needs (weight,
    # size): someone checks it (`catalogue review`) and clears the flag.
    needs_review: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    review_note: Mapped[str | None] = mapped_column(sa.String(255))

    barcodes: Mapped[list["ProductBarcode"]] = relationship(
        back_populates="product", cascade="all, delete-orphan")
    components: Mapped[list["KitComponent"]] = relationship(
        foreign_keys="KitComponent.kit_id", cascade="all, delete-orphan")

    def add_barcode(self, code: str) -> "ProductBarcode":
        """Attach a barcode; GTINs are checked (length and check digit) before they are kept."""
        barcode = ProductBarcode(code=code, kind=BarcodeKind(classify_barcode(code)))
        self.barcodes.append(barcode)
        return barcode


class ProductBarcode(Base):
    __tablename__ = "product_barcodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[BarcodeKind]

    product: Mapped[Product] = relationship(back_populates="barcodes")


class KitComponent(Base):
    __tablename__ = "kit_components"

    kit_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), primary_key=True)
    component_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(default=1)

    component: Mapped[Product] = relationship(foreign_keys=[component_id])
