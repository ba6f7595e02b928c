"""The emulated Admin API schema (shopify_admin.graphql) and the small helpers its resolvers
share: Shopify's global ids, money bags, timestamps and relay connections with opaque cursors."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from pathlib import Path

from graphql import GraphQLError, build_schema

SCHEMA = build_schema((Path(__file__).with_name("shopify_admin.graphql")).read_text())
MAX_PAGE = 250  # connections refuse a larger first/last


def on(type_name: str, field: str):
    """Attach a resolver to `type_name.field`."""
    def attach(fn):
        SCHEMA.type_map[type_name].fields[field].resolve = fn
        return fn
    return attach


def gid(kind: str, n: int | str) -> str:
    return f"gid://shopify/{kind}/{n}"


def num(global_id: str) -> int:
    return int(str(global_id).rsplit("/", 1)[-1])


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def money(amount, currency="USD") -> dict:
    m = {"amount": str(amount), "currencyCode": currency}
    return {"shopMoney": m, "presentmentMoney": m}


def _cursor(mark: tuple) -> str:
    return base64.b64encode(json.dumps(list(mark)).encode()).decode()


def _uncursor(text: str) -> tuple:
    return tuple(json.loads(base64.b64decode(text)))


def connection(info, items: list, first: int | None, after: str | None, key,
               last: int | None = None) -> dict:
    """A relay connection over `items` (already sorted by `key`). Outside a bulk operation
    one of first/last is required and may not pass 250, as on Shopify."""
    if after:
        mark = _uncursor(after)
        items = [i for i in items if tuple(key(i)) > mark]
    size = _page_size(info, first, last, len(items))
    page = items[:size]
    edges = [{"cursor": _cursor(key(i)), "node": i} for i in page]
    return {"edges": edges, "nodes": page,
            "pageInfo": {"hasNextPage": len(items) > size, "hasPreviousPage": bool(after),
                         "startCursor": edges[0]["cursor"] if edges else None,
                         "endCursor": edges[-1]["cursor"] if edges else None}}


def _page_size(info, first: int | None, last: int | None, available: int) -> int:
    if (info.context or {}).get("bulk"):
        return available
    size = first if first is not None else last
    if size is None:
        raise GraphQLError("you must provide one of first or last")
    if not 0 <= size <= MAX_PAGE:
        raise GraphQLError(f"The page size must be between 0 and {MAX_PAGE} (got {size}).")
    return size
