"""The books' documents beyond sales and refunds: a business customer's payment against an
invoice, and a bill from a supplier (a carrier's labels of a day, a channel's fees) whose
lines go to expense accounts by role. Each says which mappings it needs on a target; the
invoice a payment settles is named by our number and found at the target by the posting
that made it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from oms_desktop.accounting.base import CENT, Document, MappingKey

PURCHASE_TAX = "PURCHASES"  # the tax-code key bills use on targets that want one
EXEMPT = "EXEMPT"  # the tax-code key of what carries no tax


@dataclass(frozen=True)
class PaymentDoc:
    """Money a business customer paid against one of our invoices."""

    number: str  # ours: the invoice's number and the payment's id
    invoice: str  # the invoice's number (ours)
    day: date
    customer: str  # the business customer's name: its customer mapping
    currency: str
    amount: Decimal
    reference: str = ""
    discount: Decimal = Decimal(0)  # an early-payment discount taken with it
    kind: str = "payment"

    @property
    def total(self) -> Decimal:
        return self.amount

    def needs(self, target) -> list[MappingKey]:
        keys = [("customer", self.customer), ("account", target.PAYMENT_ACCOUNT)]
        if self.discount:  # credited on the invoice, to its own account, without tax
            keys += [("account", "payment_discount"), ("tax", EXEMPT)]
        return keys

    def to_json(self) -> dict:
        return {"kind": self.kind, "number": self.number, "invoice": self.invoice,
                "day": self.day.isoformat(), "customer": self.customer,
                "currency": self.currency, "amount": str(self.amount),
                "reference": self.reference, "discount": str(self.discount)}

    @classmethod
    def from_json(cls, d: dict) -> "PaymentDoc":
        return cls(d["number"], d["invoice"], date.fromisoformat(d["day"]), d["customer"],
                   d["currency"], Decimal(d["amount"]), d.get("reference", ""),
                   Decimal(d.get("discount", "0")))


@dataclass(frozen=True)
class BillLine:
    description: str
    account: str  # the account role: postage, fees
    amount: Decimal


@dataclass(frozen=True)
class BillDoc:
    """What a supplier charges us: `vendor` is our key for it ("carrier:easypost",
    "channel:MKT")."""

    number: str
    reference: str
    day: date
    due: date
    vendor: str
    currency: str
    lines: tuple[BillLine, ...]
    kind: str = "bill"

    @property
    def total(self) -> Decimal:
        return sum((l.amount for l in self.lines), Decimal(0)).quantize(CENT)

    def needs(self, target) -> list[MappingKey]:
        keys: list[MappingKey] = [("vendor", self.vendor)]
        keys += [("account", role) for role in dict.fromkeys(l.account for l in self.lines)]
        if target.BILL_TAX:
            keys.append(("tax", PURCHASE_TAX))
        return keys

    def to_json(self) -> dict:
        return {"kind": self.kind, "number": self.number, "reference": self.reference,
                "day": self.day.isoformat(), "due": self.due.isoformat(),
                "vendor": self.vendor, "currency": self.currency,
                "lines": [[l.description, l.account, str(l.amount)] for l in self.lines]}

    @classmethod
    def from_json(cls, d: dict) -> "BillDoc":
        return cls(d["number"], d["reference"], date.fromisoformat(d["day"]),
                   date.fromisoformat(d["due"]), d["vendor"], d["currency"],
                   tuple(BillLine(t, a, Decimal(m)) for t, a, m in d["lines"]))


LOADERS = {"payment": PaymentDoc.from_json, "bill": BillDoc.from_json}


def load_document(d: dict):
    """A stored posting's document, of whichever kind it is."""
    return LOADERS.get(d.get("kind"), Document.from_json)(d)
