"""What a bulk action acts on when the user selects every order matching a filter: the
count to confirm, then the matching ids read page by page (keyset on id) while the action
goes on, never more than were counted: orders that arrive after the count wait for the next
selection, orders that stop matching meanwhile are left alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import sqlalchemy as sa

from oms_desktop.model import Order
from oms_desktop.services.bulk import BulkResult, Progress, Work, run_bulk_pages
from oms_desktop.services.orders import queue
from oms_desktop.services.orders.queue import QueueFilter
from oms_desktop.storage import Database

ID_PAGE = 500


@dataclass(frozen=True)
class Matching:
    """Every order matching `flt` when it was counted: `count` of them, ids up to `upto`."""
    flt: QueueFilter
    count: int
    upto: int


def count_matching(db: Database, flt: QueueFilter) -> Matching:
    with db.uow(readonly=True) as uow:
        s = uow.session
        upto = s.scalar(sa.select(sa.func.coalesce(sa.func.max(Order.id), 0)))
        n = s.scalar(sa.select(sa.func.count()).select_from(Order)
                     .where(*queue.matching(s, flt), Order.id <= upto))
        return Matching(flt, n, upto)


def id_page(db: Database, flt: QueueFilter, *, after: int = 0, upto: int | None = None,
            limit: int = ID_PAGE) -> list[int]:
    """The next `limit` ids matching the filter after `after`, in id order."""
    with db.uow(readonly=True) as uow:
        s = uow.session
        where = queue.matching(s, flt) + [Order.id > after]
        if upto is not None:
            where.append(Order.id <= upto)
        return list(s.scalars(sa.select(Order.id).where(*where).order_by(Order.id)
                              .limit(limit)))


def matching_pages(db: Database, selection: Matching, *,
                   limit: int = ID_PAGE) -> Iterator[list[int]]:
    after = 0
    while True:
        ids = id_page(db, selection.flt, after=after, upto=selection.upto, limit=limit)
        if not ids:
            return
        yield ids
        after = ids[-1]


def run_on_matching(db: Database, selection: Matching, work: Work, *,
                    task: Progress | None = None, label: str = "") -> BulkResult:
    """`work` over every order of the selection, a page of ids at a time."""
    return run_bulk_pages(matching_pages(db, selection), work, total=selection.count,
                          task=task, label=label)


def order_numbers(db: Database, order_ids: list[int]) -> dict[int, str]:
    numbers: dict[int, str] = {}
    with db.uow(readonly=True) as uow:
        for start in range(0, len(order_ids), ID_PAGE):
            numbers.update(uow.session.execute(sa.select(Order.id, Order.number).where(
                Order.id.in_(order_ids[start:start + ID_PAGE]))).all())
    return numbers


def still_matching(db: Database, flt: QueueFilter, order_ids: list[int]) -> set[int]:
    """Which of these orders the filter shows."""
    found: set[int] = set()
    with db.uow(readonly=True) as uow:
        s = uow.session
        for start in range(0, len(order_ids), ID_PAGE):
            chunk = order_ids[start:start + ID_PAGE]
            found.update(s.scalars(sa.select(Order.id).where(*queue.matching(s, flt),
                                                             Order.id.in_(chunk))))
    return found
