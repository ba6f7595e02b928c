"""The accounting plugin contract: a neutral document in, the target's id out, typed errors.

A target never gets a Session. The host resolves the document's mappings first (a posting
whose mapping is missing never reaches a target) and hands over a `Mapped` with the target's
own ids; the idempotency key is the same on every attempt of one posting, so a repeat after
a crash is answered with the first answer instead of a second document."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Callable, ClassVar

from oms_desktop.plugins.errors import Permanent, PluginError
from oms_desktop.plugins.settings import SettingField, check_settings

CENT = Decimal("0.01")


class AccountingError(PluginError):
    """An accounting target refused a request."""


class Refused(Permanent):
    """The target validated the document and refused it (its words are the message); the
    same document will be refused again until a mapping or the document is fixed."""


# -- the neutral document ---------------------------------------------------------------
@dataclass(frozen=True)
class DocLine:
    sku: str
    description: str
    quantity: int
    unit_price: Decimal
    tax: Decimal = Decimal(0)

    @property
    def amount(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(CENT)


@dataclass(frozen=True)
class Document:
    """A sale (shipped goods) or a refund, as the books see it. `discount` is subtracted,
    `shipping` added; tax is per line; `tax_country` picks the tax code."""

    kind: str  # "sale" | "refund" | "invoice" (a business customer's, on its terms)
    number: str  # our document number: order number and shipment or refund id
    reference: str  # the order's number
    day: date
    channel: str
    currency: str
    tax_country: str
    lines: tuple[DocLine, ...]
    shipping: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)
    customer: str | None = None  # a business customer's name (else the channel's customer)
    due: date | None = None  # an invoice's due date
    terms: str = ""  # an invoice's payment terms ("2/10 net 30")

    @property
    def customer_key(self) -> str:
        return self.customer or self.channel

    @property
    def tax(self) -> Decimal:
        return sum((l.tax for l in self.lines), Decimal(0)).quantize(CENT)

    @property
    def total(self) -> Decimal:
        goods = sum((l.amount for l in self.lines), Decimal(0))
        return (goods + self.tax + self.shipping - self.discount).quantize(CENT)

    def to_json(self) -> dict:
        return {"kind": self.kind, "number": self.number, "reference": self.reference,
                "day": self.day.isoformat(), "channel": self.channel, "currency": self.currency,
                "tax_country": self.tax_country, "shipping": str(self.shipping),
                "discount": str(self.discount),
                "lines": [[l.sku, l.description, l.quantity, str(l.unit_price), str(l.tax)]
                          for l in self.lines],
                **({"customer": self.customer, "terms": self.terms,
                    "due": self.due.isoformat() if self.due else None}
                   if self.customer else {})}

    @classmethod
    def from_json(cls, d: dict) -> "Document":
        return cls(d["kind"], d["number"], d["reference"], date.fromisoformat(d["day"]),
                   d["channel"], d["currency"], d["tax_country"],
                   tuple(DocLine(s, n, int(q), Decimal(p), Decimal(t))
                         for s, n, q, p, t in d["lines"]),
                   Decimal(d["shipping"]), Decimal(d["discount"]), d.get("customer"),
                   date.fromisoformat(d["due"]) if d.get("due") else None, d.get("terms", ""))


MappingKey = tuple[str, str]  # (kind, key): ("item", "SKU-1"), ("tax", "DE"), …


@dataclass(frozen=True)
class Mapped:
    """The target's ids for one document's keys."""

    values: dict[MappingKey, str]

    def item(self, sku: str) -> str:
        return self.values[("item", sku)]

    def customer(self, channel: str) -> str:
        return self.values[("customer", channel)]

    def tax(self, country: str) -> str:
        return self.values[("tax", country)]

    def account(self, role: str) -> str:
        return self.values[("account", role)]

    def vendor(self, key: str) -> str:
        return self.values[("vendor", key)]

    def posted(self, source_key: str) -> str:
        """The target's id of the document another posting made (an invoice a payment
        settles)."""
        return self.values[("posted", source_key)]


@dataclass(frozen=True)
class Posted:
    """What the target recorded: its id, its document number and its total."""

    remote_id: str
    number: str | None
    total: Decimal


@dataclass
class BooksApi:
    """What the host lends a target: its secrets (and where to keep a rotated one)."""

    secret: Callable[[str], str]
    store_secret: Callable[[str, str], None] = lambda field, value: None
    sleep: Callable[[float], None] = field(default=lambda s: __import__("time").sleep(s))


class AccountingTarget(abc.ABC):
    name: ClassVar[str]
    title: ClassVar[str]
    SETTINGS: ClassVar[tuple[SettingField, ...]] = ()
    SECRETS: ClassVar[tuple[str, ...]] = ()
    ACCOUNTS: ClassVar[tuple[str, ...]] = ("income",)  # account roles every document needs
    KINDS: ClassVar[frozenset[str]] = frozenset({"sale", "refund"})  # what it takes
    PAYMENT_ACCOUNT: ClassVar[str] = "deposit"  # where a business customer's payment goes
    BILL_TAX: ClassVar[bool] = False  # bill lines carry a purchase tax code ("tax" PURCHASES)

    def __init__(self, settings: dict[str, Any] | None, api: BooksApi):
        self.settings = check_settings(self.SETTINGS, settings or {}, owner=self.name)
        self.api = api

    def needs(self, doc: Document) -> list[MappingKey]:
        """The mappings a document needs on this target, in the order a person fixes them."""
        if not isinstance(doc, Document):  # a payment or a bill says what it needs
            return doc.needs(self)
        keys: list[MappingKey] = [("customer", doc.customer_key), ("tax", doc.tax_country)]
        keys += [("item", sku) for sku in dict.fromkeys(l.sku for l in doc.lines)]
        keys += [("account", role) for role in self.ACCOUNTS]
        if doc.shipping:
            keys.append(("account", "shipping"))
        if doc.discount:
            keys.append(("account", "discount"))
        return keys

    @abc.abstractmethod
    def post(self, doc: Document, mapped: Mapped, *, key: str) -> Posted:
        """Create the document once: a repeat with the same `key` creates nothing new."""

    def close(self) -> None:
        pass

    # -- journals (accounting/journals.py): the month's stock valuation ------------------------
    def journal_needs(self, doc) -> list[MappingKey]:
        """A journal needs an account for each role its lines use."""
        return [("account", role) for role in doc.roles]

    def post_journal(self, doc, mapped: Mapped, *, key: str) -> Posted:
        """Create the journal entry once (a repeat with the same `key` creates nothing)."""
        raise Refused(f"{self.title} takes no journal entries from oms-desktop yet")
