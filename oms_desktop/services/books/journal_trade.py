"""The general-ledger journal's lines for what is not a web sale: a business customer's
invoice (its receivable against income), each payment (the bank against the receivable) and
each bill (the expense against what is owed to the carrier or channel), each balanced. The
accounts are the "journal" target's mappings, else plain names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.model import Channel, ChannelFee, Invoice, Payment
from oms_desktop.services.books import invoicing, trade

ZERO = Decimal(0)
DEFAULTS = {"bank": "Bank", "postage": "Postage", "fees": "Channel fees"}
Entry = tuple[date, str, str, str, str, Decimal, Decimal]  # day, account, tax, ref, cur, dr, cr


def entries(session: Session, first: date, last: date, names: dict,
            income: str) -> list[Entry]:
    found: list[Entry] = []
    for inv in session.scalars(sa.select(Invoice).where(
            Invoice.issued_on >= first, Invoice.issued_on <= last)):
        who = invoicing.customer_key(inv)
        found += _pair(inv.issued_on, _receivable(names, who), income, inv.total,
                       f"{who} invoices", inv.currency)
    for pay, inv in session.execute(sa.select(Payment, Invoice).join(Invoice).where(
            Payment.received_on >= first, Payment.received_on <= last)):
        who = invoicing.customer_key(inv)
        found += _pair(pay.received_on, _account(names, "bank"), _receivable(names, who),
                       pay.amount, f"{who} payments", inv.currency)
    bills = [bill for _, bill in trade.carrier_bills(session, first, last)]
    bills += [trade.fee_bill(fee, code) for fee, code in session.execute(
        sa.select(ChannelFee, Channel.code).join(Channel).where(
            ChannelFee.day >= first, ChannelFee.day <= last))]
    for bill in bills:
        for line in bill.lines:
            found += _pair(bill.day, _account(names, line.account),
                           names.get(("vendor", bill.vendor), f"Payable {bill.vendor}"),
                           line.amount, f"{bill.vendor} bills", bill.currency)
    return found


def _pair(day: date, debit: str, credit: str, amount: Decimal, reference: str,
          currency: str) -> list[Entry]:
    return [(day, debit, "", reference, currency, amount, ZERO),
            (day, credit, "", reference, currency, ZERO, amount)]


def _receivable(names: dict, who: str) -> str:
    return names.get(("customer", who), f"Receivable {who}")


def _account(names: dict, role: str) -> str:
    return names.get(("account", role), DEFAULTS[role])
