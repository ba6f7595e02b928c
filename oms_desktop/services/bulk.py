"""Running one per-order action over many orders: in small batches (one unit of work each),
with progress, stopping between batches when cancelled, and per-order results so that one
bad order never stops the rest.

A `work(ids)` function does one batch and returns per-order results: anything with
`order_id`, `ok` and `message` (our ItemResult, the pipeline's OrderResult), or an object with
such `.results`. If a batch raises an OmsError, its orders are retried one by one so that the
failure lands on the order that caused it. PermissionDenied and DatabaseUnavailable stop the
whole run: they would fail every order the same way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol, Sequence

from oms_desktop.errors import DatabaseUnavailable, OmsError, PermissionDenied

BATCH = 50


@dataclass(frozen=True)
class ItemResult:
    order_id: int
    ok: bool
    message: str


@dataclass(frozen=True)
class BulkResult:
    total: int
    results: tuple[ItemResult, ...] = ()
    cancelled: bool = False
    failures: tuple[ItemResult, ...] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "failures", tuple(r for r in self.results if not r.ok))

    @property
    def succeeded(self) -> int:
        return len(self.results) - len(self.failures)

    def summary(self) -> str:
        text = f"{self.succeeded:,} of {self.total:,} done"
        if self.failures:
            text += f", {len(self.failures):,} failed"
        if self.cancelled:
            text += f", {self.total - len(self.results):,} not started (cancelled)"
        return text


class Progress(Protocol):
    """What the UI's Task offers (kept as a protocol: services never import Qt)."""

    @property
    def cancelled(self) -> bool: ...

    def report(self, done: int, total: int, text: str = "") -> None: ...


Work = Callable[[list[int]], Any]


def run_bulk(order_ids: Sequence[int], work: Work, *, task: Progress | None = None,
             batch: int = BATCH, label: str = "") -> BulkResult:
    ids = list(dict.fromkeys(order_ids))
    return run_bulk_pages([ids], work, total=len(ids), task=task, batch=batch, label=label)


def run_bulk_pages(pages: Iterable[Sequence[int]], work: Work, *, total: int,
                   task: Progress | None = None, batch: int = BATCH,
                   label: str = "") -> BulkResult:
    """Like run_bulk over ids that arrive page by page (read while the work goes on);
    `total` is the expected number, for progress: the result counts what was found."""
    results: list[ItemResult] = []
    seen: set[int] = set()
    for page in pages:
        ids = [i for i in dict.fromkeys(page) if i not in seen]
        seen.update(ids)
        for start in range(0, len(ids), batch):
            if task is not None and task.cancelled:
                return BulkResult(max(total, len(results)), tuple(results), cancelled=True)
            results.extend(_run_batch(work, ids[start:start + batch]))
            if task is not None:
                task.report(len(results), max(total, len(results)), label)
    return BulkResult(len(results), tuple(results))


def _run_batch(work: Work, ids: list[int]) -> list[ItemResult]:
    try:
        return _normalise(work(ids), ids)
    except (PermissionDenied, DatabaseUnavailable):
        raise
    except OmsError as exc:
        if len(ids) == 1:
            return [ItemResult(ids[0], False, str(exc))]
    return [item for one in ids for item in _run_batch(work, [one])]


def _normalise(outcome: Any, ids: list[int]) -> list[ItemResult]:
    items: Iterable[Any] = getattr(outcome, "results", outcome) or ()
    found = {r.order_id: ItemResult(r.order_id, bool(r.ok), r.message or "") for r in items}
    return [found.get(i, ItemResult(i, True, "")) for i in ids]


def per_order(fn: Callable[[int], Any]) -> Work:
    """A batch `work` from a function of one order (its own unit of work): each order's
    OmsError becomes that order's failure, the others go on."""
    def work(ids: list[int]) -> list[ItemResult]:
        return [_one(fn, order_id) for order_id in ids]
    return work


def _one(fn: Callable[[int], Any], order_id: int) -> ItemResult:
    try:
        outcome = fn(order_id)
    except (PermissionDenied, DatabaseUnavailable):
        raise
    except OmsError as exc:
        return ItemResult(order_id, False, str(exc))
    return ItemResult(order_id, bool(getattr(outcome, "ok", True)),
                      getattr(outcome, "message", "") or "")
