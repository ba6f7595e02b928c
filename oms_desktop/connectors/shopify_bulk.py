"""Large imports through Shopify's bulk operations, as large stores are imported: one
bulkOperationRunQuery for every order with all its line items, polled until COMPLETED, then the
JSONL file read as it downloads and handed on in pages. Paging the same orders through the
query cost limit would take hours on the Standard plan (about 27 points an order at 100
points a second); a bulk query costs 10.

The file lists each order, then its line items (asked grouped under their parent, so it can be
read in one pass with bounded memory). Its pages do not move the sync cursor: a bulk file is
not promised in updated-at order, so the cursor moves once, by the last page, to the newest
change seen. A sync stopped half-way starts the export again; orders already taken in are
then "unchanged"."""

from __future__ import annotations

import json
from typing import Iterable, Iterator

from oms_desktop.connectors import shopify_queries as Q
from oms_desktop.connectors.base import ConnectorError
from oms_desktop.connectors.dto import Page, high_water
from oms_desktop.connectors.shopify_graphql import ShopifyGraphQL
from oms_desktop.connectors.shopify_orders import page_of
from oms_desktop.plugins.backoff import exponential
from oms_desktop.plugins.errors import Transient

BATCH = 250  # orders per page handed to the sync (one transaction each)
POLL_FIRST_S, POLL_CAP_S = 1.0, 10.0
PATIENCE_S = 3600.0
ENDED = ("FAILED", "CANCELED", "CANCELING", "EXPIRED")


class BulkBusy(ConnectorError):
    """Another bulk query of this app runs on the shop (one at a time before 2026-01)."""


def bulk_pages(gql: ShopifyGraphQL, search: str | None, *, batch: int = BATCH) -> Iterator[Page]:
    url = _finished(gql, _start(gql, search))
    newest = None
    for page in _pages(gql.http.lines(url) if url else (), batch):
        newest = high_water(newest, *(o.updated_at for o in page.orders),
                            *(f.updated_at for f in page.failures))
        yield page
    yield Page(high_water=newest)


def _start(gql: ShopifyGraphQL, search: str | None) -> str:
    data = gql.data(Q.BULK_RUN, {"query": Q.bulk_orders(search)})["bulkOperationRunQuery"]
    errors = data["userErrors"]
    if any(e.get("code") == "OPERATION_IN_PROGRESS" for e in errors):
        raise BulkBusy(errors[0]["message"])
    if errors:
        raise ConnectorError("Shopify refused the bulk export: "
                             + "; ".join(e["message"] for e in errors))
    return data["bulkOperation"]["id"]


def _finished(gql: ShopifyGraphQL, op_id: str) -> str | None:
    """Poll, waiting longer each time, until the export is done; its file's URL (None when
    nothing matched)."""
    waited, polls = 0.0, 0
    while True:
        op = gql.data(Q.BULK_POLL, {"id": op_id})["node"]
        if op["status"] == "COMPLETED":
            return op["url"]
        if op["status"] in ENDED:
            raise Transient(f"Shopify's bulk export {op_id} ended {op['status'].lower()} "
                            f"({op.get('errorCode') or 'no reason given'}); sync again")
        polls += 1
        wait = exponential(polls, first=POLL_FIRST_S, cap=POLL_CAP_S)
        if waited + wait > PATIENCE_S:
            raise Transient(f"Shopify's bulk export {op_id} is still running after "
                            f"{waited / 60:.0f} minutes; sync again later")
        gql.pause(wait)
        waited += wait


def _pages(lines: Iterable[str], batch: int) -> Iterator[Page]:
    chunk: list[dict] = []
    for order in orders_in(lines):
        chunk.append(order)
        if len(chunk) == batch:
            yield page_of(chunk, moves_cursor=False)
            chunk = []
    if chunk:
        yield page_of(chunk, moves_cursor=False)


def orders_in(lines: Iterable[str]) -> Iterator[dict]:
    """Order nodes with their line items, rebuilt from the JSONL's `__parentId` links."""
    order = None
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        item = _decoded(text, number)
        parent = item.pop("__parentId", None)
        if parent is None:
            if order is not None:
                yield order
            order = {**item, "lineItems": {"nodes": []}}
        elif order is not None and parent == order.get("id"):
            order["lineItems"]["nodes"].append(item)
        else:
            raise ConnectorError(f"Shopify's bulk file, line {number}: a line item away "
                                 f"from its order {parent}")
    if order is not None:
        yield order


def _decoded(text: str, number: int) -> dict:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ConnectorError(f"Shopify's bulk file, line {number}: not JSON ({exc})") from exc
