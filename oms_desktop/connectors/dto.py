"""Validated shapes a connector hands to the sync service (pydantic): the service never sees
a platform's JSON, and a payload that does not fit is reported, not guessed at."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

FINANCIAL = ("pending", "authorized", "paid", "partially_refunded", "refunded")
FULFILMENT = ("unfulfilled", "partial", "fulfilled")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AddressDTO(_Frozen):
    name: str | None = None
    company: str | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    phone: str | None = None


class LineDTO(_Frozen):
    """One line that travels in a parcel. `quantity` is what the customer has, refunded and
    removed units left out; `shipped` what the channel already counts as fulfilled (by us or
    by anyone else), so `to_ship` is what is still owed."""

    external_id: str = Field(min_length=1)
    sku: str = ""
    name: str
    quantity: int = Field(gt=0)
    shipped: int = Field(default=0, ge=0)
    unit_price: Decimal = Field(ge=0)
    tax: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)

    @property
    def to_ship(self) -> int:
        return max(0, self.quantity - self.shipped)


class OrderDTO(_Frozen):
    """One channel order as the OMS understands it. `status` is the channel's view:
    open, cancelled or closed (fulfilled and archived there).

    `fulfilled_by_channel`: the channel ships it itself (Amazon FBA, a sale at a shop's
    till): it is never picked here, and it takes stock at `fulfilment_location` (one of our
    location codes, None when we keep no stock there) once the channel says it is fulfilled."""

    external_id: str = Field(min_length=1)
    number: str = Field(min_length=1)
    placed_at: AwareDatetime
    updated_at: AwareDatetime
    status: Literal["open", "cancelled", "closed"] = "open"
    financial_status: Literal[FINANCIAL] = "pending"
    fulfilment_status: Literal[FULFILMENT] = "unfulfilled"
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    email: str | None = None
    customer_name: str | None = None
    shipping: AddressDTO | None = None
    billing_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    lines: tuple[LineDTO, ...]
    subtotal: Decimal = Decimal(0)
    shipping_total: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)
    discount_total: Decimal = Decimal(0)
    total: Decimal
    requested_service: str | None = None
    notes: str | None = None
    tags: tuple[str, ...] = ()
    fulfilled_by_channel: bool = False
    fulfilment_location: str | None = None

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
        """Identical for two versions that differ only in updated_at."""
        body = self.model_dump_json(exclude={"updated_at"})
        return hashlib.sha256(body.encode()).hexdigest()


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
class Page:
    """One page of a fetch. `high_water` is the greatest updated-at among its payloads:
    once the page is committed, the sync cursor may move there."""

    orders: list[OrderDTO] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    high_water: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # external id -> raw payload

    @property
    def fetched(self) -> int:
        return len(self.orders) + len(self.failures)


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
    return text if len(text) <= limit else text[:limit] + "…"
