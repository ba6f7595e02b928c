"""A journal entry as the books see it, beside the sales documents: balanced lines on account
roles (inventory, cogs, grni, stock_adjustment …) that each target maps to its own accounts.
The month's stock valuation journal is one. `load` turns a posting's stored document back
into the right kind; `needs` and `send` pick the target's method for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from oms_desktop.accounting.base import AccountingTarget, Document, Mapped, MappingKey, Posted
from oms_desktop.accounting.trade import load_document

JOURNAL_KINDS = frozenset({"stock"})
ZERO = Decimal(0)


@dataclass(frozen=True)
class JournalLine:
    role: str  # the account role: mapped per target (`books map xero account inventory 630`)
    debit: Decimal
    credit: Decimal
    description: str


@dataclass(frozen=True)
class JournalDoc:
    kind: str  # "stock"
    number: str  # "STOCK-2026-11"
    day: date  # the last day of the period it closes
    currency: str
    memo: str
    lines: tuple[JournalLine, ...]

    @property
    def total(self) -> Decimal:
        """The debits (equal to the credits: a journal is balanced)."""
        return sum((l.debit for l in self.lines), ZERO)

    @property
    def credits(self) -> Decimal:
        return sum((l.credit for l in self.lines), ZERO)

    @property
    def balanced(self) -> bool:
        return self.total == self.credits

    @property
    def roles(self) -> list[str]:
        return list(dict.fromkeys(l.role for l in self.lines))

    def to_json(self) -> dict:
        return {"kind": self.kind, "number": self.number, "day": self.day.isoformat(),
                "currency": self.currency, "memo": self.memo,
                "lines": [[l.role, str(l.debit), str(l.credit), l.description]
                          for l in self.lines]}

    @classmethod
    def from_json(cls, d: dict) -> "JournalDoc":
        return cls(d["kind"], d["number"], date.fromisoformat(d["day"]), d["currency"],
                   d["memo"], tuple(JournalLine(r, Decimal(dr), Decimal(cr), text)
                                    for r, dr, cr, text in d["lines"]))


def load(document: dict):
    """A posting's stored document as the neutral document of its kind."""
    if document.get("kind") in JOURNAL_KINDS:
        return JournalDoc.from_json(document)
    return load_document(document)


def needs(plugin: AccountingTarget, doc: Document | JournalDoc) -> list[MappingKey]:
    if isinstance(doc, JournalDoc):
        return plugin.journal_needs(doc)
    return plugin.needs(doc)


def send(plugin: AccountingTarget, doc: Document | JournalDoc, mapped: Mapped, *,
         key: str) -> Posted:
    if isinstance(doc, JournalDoc):
        return plugin.post_journal(doc, mapped, key=key)
    return plugin.post(doc, mapped, key=key)
