"""The order search index: every word of an order's number, external id, customer, e-mail,
address and SKUs, folded (lower case, no accents), one row per (word, order).

Why a word table rather than PostgreSQL full text + SQLite FTS5: one schema, one query and
one maintenance path on both databases; prefix search ("trem" finds Tremblay) is a range
scan of the primary key (the words are compared byte by byte: collation "C" on PostgreSQL,
BINARY on SQLite); and the rows go through the same bulk writers as the orders.

The index is kept on write: the ORM's flushes re-index every order whose indexed fields or
lines changed (listeners below); the bulk writers (channel import, demo) call
`index_rows` / `reindex` themselves."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from oms_desktop.model.base import Base
from oms_desktop.model.order import Order, OrderLine

WORD_MAX = 64
ORDER_FIELDS = ("number", "external_id", "email", "ship_name", "ship_company", "ship_city",
                "ship_postal_code", "customer_po")
LINE_FIELDS = ("sku",)
_SPLIT = re.compile(r"[\W_]+")
_BYTES_AFTER = "\U0010ffff"  # sorts after every character: the end of a prefix's range


class OrderWord(Base):
    __tablename__ = "order_words"
    __table_args__ = (
        # an order's words: rewriting them, and checking a second word of a search
        sa.Index("ix_order_words_order_id", "order_id", "word"),
        {"sqlite_with_rowid": False},  # the primary key is the table: half the size
    )

    word: Mapped[str] = mapped_column(
        sa.String(WORD_MAX).with_variant(sa.String(WORD_MAX, collation="C"), "postgresql"),
        primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          primary_key=True)


WORDS = OrderWord.__table__


# -- words ------------------------------------------------------------------------------------
def fold_word(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words_of(texts: Iterable[str | None]) -> set[str]:
    """The folded words of some texts ("Zoë Tremblay-Roy" → zoe, tremblay, roy)."""
    found: set[str] = set()
    for text in texts:
        if text:
            found.update(w[:WORD_MAX] for w in _SPLIT.split(fold_word(str(text))) if w)
    return found


def query_words(text: str, *, limit: int = 8) -> list[str]:
    """The words a search asks for, longest first (the rarest narrow the search soonest)."""
    return sorted(words_of([text]), key=len, reverse=True)[:limit]


def starts(column, word: str):
    """`column` starts with `word`: a range of an index (byte order)."""
    return sa.and_(column >= word, column < word + _BYTES_AFTER)


def matching(word: str):
    """Order ids with a word starting with `word`: a range of the primary key."""
    return sa.select(WORDS.c.order_id).where(starts(WORDS.c.word, word))


def matching_all(words: list[str]):
    """Order ids with a word starting with each of `words`: the first word's range, each
    order of it checked for the others in its own words (ix_order_words_order_id). Put the
    rarest word first."""
    first, *others = words
    query = sa.select(WORDS.c.order_id).where(starts(WORDS.c.word, first))
    for word in others:
        other = WORDS.alias()
        query = query.where(sa.exists().where(other.c.order_id == WORDS.c.order_id,
                                              starts(other.c.word, word)))
    return query


def rarest_first(conn, words: list[str], *, cap: int = 5_000) -> list[str]:
    """The words ordered by how many orders have them (counted up to `cap`: cheap)."""
    if len(words) < 2:
        return words
    counts = {w: conn.scalar(sa.select(sa.func.count()).select_from(
        matching(w).limit(cap).subquery())) for w in words}
    return sorted(words, key=lambda w: (counts[w], -len(w)))


# -- rows -------------------------------------------------------------------------------------
def index_rows(orders: Iterable[Mapping], lines: Iterable[Mapping] = ()) -> list[dict]:
    """order_words rows for order rows (with `id`) and their line rows (with `order_id`)."""
    skus: dict[int, list[str]] = {}
    for line in lines:
        skus.setdefault(line["order_id"], []).extend(line.get(f) for f in LINE_FIELDS)
    return [dict(word=w, order_id=o["id"])
            for o in orders
            for w in sorted(words_of([o.get(f) for f in ORDER_FIELDS] + skus.get(o["id"], [])))]


def reindex(conn, order_ids: Iterable[int]) -> int:
    """Rewrite the words of these orders from what is stored; the number of rows written."""
    ids = sorted(set(order_ids))
    written = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        conn.execute(sa.delete(WORDS).where(WORDS.c.order_id.in_(chunk)))
        orders = conn.execute(sa.select(Order.id, *(Order.__table__.c[f] for f in ORDER_FIELDS))
                              .where(Order.id.in_(chunk))).mappings().all()
        lines = conn.execute(sa.select(OrderLine.order_id, OrderLine.sku)
                             .where(OrderLine.order_id.in_(chunk))).mappings().all()
        rows = index_rows(orders, lines)
        if rows:
            conn.execute(sa.insert(WORDS), rows)
        written += len(rows)
    return written


# -- kept on write: the ORM's flushes ---------------------------------------------------------
_DIRTY = "order_words.dirty"


def _touched(session: Session | None, order_id: int | None) -> None:
    if session is not None and order_id is not None:
        session.info.setdefault(_DIRTY, set()).add(order_id)


def _changed(target, fields: tuple[str, ...]) -> bool:
    state = sa.inspect(target)
    return any(state.attrs[f].history.has_changes() for f in fields)


@event.listens_for(Order, "after_insert")
def _order_inserted(_mapper, _conn, target: Order) -> None:
    _touched(sa.orm.object_session(target), target.id)


@event.listens_for(Order, "after_update")
def _order_updated(_mapper, _conn, target: Order) -> None:
    if _changed(target, ORDER_FIELDS):
        _touched(sa.orm.object_session(target), target.id)


@event.listens_for(OrderLine, "after_insert")
@event.listens_for(OrderLine, "after_delete")
def _line_added_or_removed(_mapper, _conn, target: OrderLine) -> None:
    _touched(sa.orm.object_session(target), target.order_id)


@event.listens_for(OrderLine, "after_update")
def _line_updated(_mapper, _conn, target: OrderLine) -> None:
    if _changed(target, LINE_FIELDS + ("order_id",)):
        _touched(sa.orm.object_session(target), target.order_id)


@event.listens_for(Session, "after_flush")
def _reindex_flushed(session: Session, _context) -> None:
    dirty = session.info.pop(_DIRTY, None)
    if dirty:
        reindex(session.connection(), dirty)
