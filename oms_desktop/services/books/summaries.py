"""Daily summaries (`books.mode` = "daily_summary", as many accountants prefer): the sales of
one finished day as one document per channel, currency and tax country, lines summed per SKU
and price. Built only for days that are over, so a day's summary never changes; its source key
names the day and the group, so building it again adds nothing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from oms_desktop.accounting.base import CENT, DocLine, Document
from oms_desktop.model import Actor, utcnow
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.services.books import documents, outbox
from oms_desktop.storage import Database

WINDOW_DAYS = 40  # how far back a run looks for days not yet summarised


def summarise(db: Database, *, actor: Actor, through: date | None = None) -> int:
    """Queue the summaries of the finished days up to `through` (default: yesterday); how
    many postings were added. Nothing in per-order mode."""
    require(actor, "books.post")
    last = min(through or date.max, utcnow().date() - timedelta(days=1))
    with db.uow() as uow:
        s = uow.session
        if settings.get(s, outbox.MODE_KEY, "per_order") != "daily_summary":
            return 0
        made = sum(outbox.enqueue(s, key, doc, channel_id=outbox.channel_id(s, doc.channel),
                                  order_id=None)
                   for key, doc in day_summaries(s, last - timedelta(days=WINDOW_DAYS), last))
        uow.commit()
        return made


def day_summaries(session: Session, first: date, last: date) -> list[tuple[str, Document]]:
    groups: dict[tuple, list[Document]] = defaultdict(list)
    for shipment in documents.shipped_between(session, first, last):
        doc = documents.sale(session, shipment)
        groups[(doc.day, doc.channel, doc.currency, doc.tax_country)].append(doc)
    return [(f"summary:{day}:{channel}:{currency}:{country}",
             _summary(day, channel, currency, country, docs))
            for (day, channel, currency, country), docs in sorted(groups.items())]


def _summary(day: date, channel: str, currency: str, country: str,
             docs: list[Document]) -> Document:
    lines: dict[tuple[str, Decimal], list] = {}
    for doc in docs:
        for l in doc.lines:
            got = lines.setdefault((l.sku, l.unit_price), [l.description, 0, Decimal(0)])
            got[1] += l.quantity
            got[2] += l.tax
    return Document(
        "sale", f"D{day:%Y%m%d}-{channel}-{country}", f"{channel} {day} ({len(docs)})",
        day, channel, currency, country,
        tuple(DocLine(sku, text, q, price, tax.quantize(CENT))
              for (sku, price), (text, q, tax) in sorted(lines.items())),
        shipping=sum((d.shipping for d in docs), Decimal(0)),
        discount=sum((d.discount for d in docs), Decimal(0)))
