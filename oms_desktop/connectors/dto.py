"""Validated shapes a connector hands to the sync service (pydantic): the service never sees
a platform's JSON, and a payload that does not fit is reported, not guessed at."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Iterator, Literal

import pycountry
from pydantic import (
    AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator,
)

from oms_desktop.plugins.redaction import redact

FINANCIAL = ("pending", "authorized", "paid", "partially_refunded", "refunded")
FULFILMENT = ("unfulfilled", "partial", "fulfilled")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Bounds the columns can hold (a longer text or a bigger number is refused with its field,
# never cut or overflowed): texts as long as their columns, quantities of whole units up to a
# million a line, unit prices up to a billion, order amounts up to 10^12.
MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal(10) ** 9
MAX_AMOUNT = Decimal(10) ** 12
Text = Annotated[str, Field(max_length=255)]
Amount = Annotated[Decimal, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]


@functools.cache
def _iso_4217(code: str) -> str:
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code")
    return code


Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$"), AfterValidator(_iso_4217)]


class AddressDTO(_Frozen):
    name: Text | None = None
    company: Text | None = None
    line1: Text | None = None
    line2: Text | None = None
    city: str | None = Field(default=None, max_length=128)
    region: str | None = Field(default=None, max_length=64)
    postal_code: str | None = Field(default=None, max_length=32)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    phone: str | None = Field(default=None, max_length=64)


class LineDTO(_Frozen):
    """One line that travels in a parcel. `quantity` is what the customer has, refunded and
    removed units left out; `shipped` what the channel already counts as fulfilled (by us or
    by anyone else), so `to_ship` is what is still owed."""

    external_id: str = Field(min_length=1, max_length=128)
    sku: str = Field(default="", max_length=64)
    name: Text
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    shipped: int = Field(default=0, ge=0, le=MAX_QUANTITY)
    unit_price: Decimal = Field(ge=0, le=MAX_PRICE)
    tax: Amount = Decimal(0)
    discount: Amount = Decimal(0)

    @property
    def to_ship(self) -> int:
        return max(0, self.quantity - self.shipped)


class OrderDTO(_Frozen):
    """One channel order as the OMS understands it. `status` is the channel's view:
    open, cancelled or closed (fulfilled and archived there).

    `fulfilled_by_channel`: the channel ships it itself (Amazon FBA, a sale at a shop's
    till): it is never picked here, and it takes stock at `fulfilment_location` (one of our
    location codes, None when we keep no stock there) once the channel says it is fulfilled.

    `pickup_location`: the customer collects the order at this location of ours (a store's
    code; click and collect), instead of it being shipped."""

    external_id: str = Field(min_length=1, max_length=128)
    number: str = Field(min_length=1, max_length=64)
    placed_at: AwareDatetime
    updated_at: AwareDatetime
    status: Literal["open", "cancelled", "closed"] = "open"
    financial_status: Literal[FINANCIAL] = "pending"
    fulfilment_status: Literal[FULFILMENT] = "unfulfilled"
    currency: Currency
    email: Text | None = None
    customer_name: Text | None = None
    shipping: AddressDTO | None = None
    billing_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    lines: tuple[LineDTO, ...]
    subtotal: Amount = Decimal(0)
    shipping_total: Amount = Decimal(0)
    tax_total: Amount = Decimal(0)
    discount_total: Amount = Decimal(0)
    total: Amount
    requested_service: str | None = Field(default=None, max_length=64)
    notes: str | None = None
    tags: tuple[Annotated[str, Field(max_length=64)], ...] = ()
    fulfilled_by_channel: bool = False
    fulfilment_location: str | None = None
    pickup_location: str | None = None

    @field_validator("email")
    @classmethod
    def _email_lower(cls, value: str | None) -> str | None:
        return value.strip().lower() or None if value else None

    @model_validator(mode="after")
    def _has_lines(self) -> "OrderDTO":
        """Only a cancelled, fulfilled or refunded order may have no line to ship."""
        over = self.status == "cancelled" or self.fulfilment_status == "fulfilled" \
            or self.financial_status == "refunded"
        if not self.lines and not over:
            raise ValueError("the order has no line to ship")
        return self

    @property
    def lines_to_ship(self) -> tuple[LineDTO, ...]:
        return tuple(l for l in self.lines if l.to_ship > 0)

    def fingerprint(self) -> str:
        """Identical for two versions that differ only in updated_at. A field added later is
        left out while it has its default, so orders stored before it keep their
        fingerprint (no needless update of every order after an upgrade)."""
        body = self.model_dump_json(exclude={"updated_at"} | (
            {"pickup_location"} if self.pickup_location is None else set()))
        return hashlib.sha256(body.encode()).hexdigest()


class ProductDTO(_Frozen):
    """One sellable item (a Shopify variant, a WooCommerce product or variation) as the store
    describes it: weight in grams, sizes in mm when the store keeps them (Shopify does not)."""
    sku: str = Field(min_length=1, max_length=64)
    name: Text
    external_id: str = Field(max_length=128)
    barcodes: tuple[str, ...] = ()
    price: Decimal | None = Field(default=None, ge=0, le=MAX_PRICE)
    weight_g: int | None = Field(default=None, ge=0, le=10_000_000)
    length_mm: int | None = Field(default=None, ge=0, le=100_000)
    width_mm: int | None = Field(default=None, ge=0, le=100_000)
    height_mm: int | None = Field(default=None, ge=0, le=100_000)
    category: str | None = Field(default=None, max_length=64)
    active: bool = True
    updated_at: AwareDatetime | None = None


@dataclass(frozen=True)
class ProductPage:
    """Products changed since the last catalogue sync, a page at a time; items the store
    describes too badly to take are kept with their reason (`Failure`)."""
    products: list[ProductDTO]
    failures: list["Failure"] = field(default_factory=list)
    high_water: datetime | None = None


@dataclass(frozen=True)
class Failure:
    """A payload that could not be validated, kept whole with the reason."""

    raw: Any
    reason: str
    external_id: str | None = None
    updated_at: datetime | None = None

    @classmethod
    def unreadable(cls, reason: str, *, answer: Any, order: dict, external_id: str,
                   updated_at: datetime | None) -> "Failure":
        """An order the channel could not give us at all: its answer is kept, and a retry
        asks the channel for the order again instead of reading the payload."""
        return cls({UNREADABLE: reason, "answer": answer, "order": order}, reason,
                   external_id, updated_at)


UNREADABLE = "unreadable"  # the key of a stored payload that holds no order


@dataclass(frozen=True)
class ChannelReturnDTO:
    """Units a customer brought back to the channel's own shop (a return at a store's till),
    received there by the channel: they come back into stock at `location` (one of our
    location codes), for sale again or held in quarantine (`disposition`). `order`: the
    channel's id of the order returned (None for a return without a receipt)."""

    external_id: str
    order: str | None
    location: str
    lines: tuple[tuple[str, int], ...]
    disposition: Literal["restock", "quarantine"] = "restock"
    at: datetime | None = None


@dataclass(frozen=True)
class Page:
    """One page of a fetch. `high_water` is the greatest updated-at among its payloads:
    once the page is committed, the sync cursor may move there. `returns`: returns the
    channel took back itself, among this page's changes."""

    orders: list[OrderDTO] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    high_water: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # external id -> raw payload
    returns: list[ChannelReturnDTO] = field(default_factory=list)

    @property
    def fetched(self) -> int:
        return len(self.orders) + len(self.failures)


@dataclass(frozen=True)
class FileIdentity:
    """A report file as its content: the same bytes under another name are the same file."""

    name: str
    size: int
    sha256: str


@dataclass
class ReportRead:
    """A report file being read: its text encoding (None for a workbook) and its pages."""

    encoding: str | None
    pages: Iterator[Page]


@dataclass(frozen=True)
class FulfilmentLine:
    external_line_id: str
    quantity: int


@dataclass(frozen=True)
class StockLevelDTO:
    sku: str
    quantity: int


@dataclass(frozen=True)
class PushResult:
    """The outcome of pushing one SKU (or one order action)."""

    key: str
    ok: bool
    channel_before: int | None = None
    error: str | None = None
    reference: str | None = None


def high_water(*stamps: datetime | None) -> datetime | None:
    known = [s for s in stamps if s is not None]
    return max(known) if known else None


def describe_error(exc: Exception, limit: int = 2000) -> str:
    """One line a person can act on: which field, what is wrong, what was sent."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        parts = [f"{'.'.join(str(p) for p in e['loc']) or 'order'}: {e['msg']}"
                 f" (got {e.get('input')!r:.60})" for e in exc.errors()]
        text = "; ".join(parts)
    elif isinstance(exc, KeyError):
        text = f"missing field {exc.args[0]!r}"
    else:
        text = f"{exc}"
    text = redact(text)
    return text if len(text) <= limit else text[:limit] + "…"
