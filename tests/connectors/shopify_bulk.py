"""Bulk query operations (shopify.dev "Perform bulk operations with the GraphQL Admin API",
bulkOperationRunQuery, BulkOperation, currentBulkOperation):

- `bulkOperationRunQuery(query:)` starts an operation (status CREATED) running the query over
  every page of its connections; the query needs at least one connection, at most five, nested
  at most two levels deep; before API version 2026-01 one bulk query runs at a time per shop
  (five from 2026-01), another one is refused with a userError;
- polled through `node(id:)` or `currentBulkOperation`, it goes RUNNING, then COMPLETED with a
  `url` to a JSONL file: one object per line; the nodes of a nested connection come on their own
  lines with `__parentId` set to their parent's id; objectCount counts every line,
  rootObjectCount the top-level ones (both UnsignedInt64, i.e. strings).
- `groupObjects` (2025-07 on): true puts each parent's children right after it; false promises
  no order at all, and this emulator then writes every top-level object first and the nested
  ones after, the worst a reader can meet. The default is true before 2026-01, false from it.
The data are taken when the operation starts; `polls_to_finish` says how many polls find it
RUNNING before it completes."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from graphql import FieldNode, execute, get_named_type, parse, validate

from tests.connectors.shopify_schema import SCHEMA, gid, iso, num, on

MAX_CONNECTIONS = 5
MAX_DEPTH = 2


class BulkOperations:
    def __init__(self, emu):
        self.emu = emu
        self.operations: dict[str, dict] = {}
        self.files: dict[str, bytes] = {}
        self.polls_to_finish = 1

    def start(self, query: str, grouped: bool = True) -> dict:
        problem = self._refusal(query)
        if problem:
            return {"bulkOperation": None, "userErrors": [problem]}
        op_id = gid("BulkOperation", 7_000 + len(self.operations) + 1)
        lines = flatten(self._run(query))
        if not grouped:
            lines.sort(key=lambda line: "__parentId" in line)
        name = f"{num(op_id)}.jsonl"
        self.files[name] = "".join(json.dumps(l) + "\n" for l in lines).encode()
        op = {"__typename": "BulkOperation", "id": op_id, "status": "CREATED", "errorCode": None,
              "type": "QUERY", "query": query, "createdAt": iso(datetime.now(timezone.utc)),
              "completedAt": None, "objectCount": "0", "rootObjectCount": "0",
              "fileSize": None, "url": None, "partialDataUrl": None, "_polls": 0,
              "_result": (name, len(lines), sum("__parentId" not in l for l in lines))}
        self.operations[op_id] = op
        return {"bulkOperation": op, "userErrors": []}

    def find(self, op_id: str) -> dict | None:
        op = self.operations.get(op_id)
        return self._advance(op) if op else None

    def current(self) -> dict | None:
        return self._advance(list(self.operations.values())[-1]) if self.operations else None

    def _advance(self, op: dict) -> dict:
        if op["status"] == "CREATED":
            op["status"] = "RUNNING"
        elif op["status"] == "RUNNING":
            op["_polls"] += 1
            if op["_polls"] >= self.polls_to_finish:
                self._complete(op)
        return op

    def _complete(self, op: dict) -> None:
        name, objects, roots = op["_result"]
        op.update(status="COMPLETED", completedAt=iso(datetime.now(timezone.utc)),
                  objectCount=str(objects), rootObjectCount=str(roots),
                  fileSize=str(len(self.files[name])), url=f"{self.emu.url}/bulk/{name}")

    def _refusal(self, query: str) -> dict | None:
        running = [o for o in self.operations.values() if o["status"] in ("CREATED", "RUNNING")]
        if len(running) >= (5 if self.emu.api_version >= "2026-01" else 1):
            return _user_error("A bulk query operation for this app and shop is already in "
                               f"progress: {running[-1]['id']}.", "OPERATION_IN_PROGRESS")
        try:
            document = parse(query)
        except Exception as exc:  # noqa: BLE001 - the user error names it
            return _user_error(str(exc))
        errors = validate(SCHEMA, document)
        if errors:
            return _user_error(errors[0].message)
        count, depth = _connections(document.definitions[0].selection_set, SCHEMA.query_type)
        if not count or count > MAX_CONNECTIONS or depth > MAX_DEPTH:
            return _user_error("Bulk queries need at least one connection, at most "
                               f"{MAX_CONNECTIONS}, nested at most {MAX_DEPTH} levels deep.")
        return None

    def _run(self, query: str) -> dict:
        result = execute(SCHEMA, parse(query), root_value=self.emu, context_value={"bulk": True})
        return result.data or {}


def _user_error(message: str, code: str = "INVALID") -> dict:
    return {"field": ["query"], "message": message, "code": code}


def _connections(selection_set, parent) -> tuple[int, int]:
    """How many connections a selection holds and how deep they nest."""
    count = depth = 0
    for node in selection_set.selections if selection_set else ():
        if not isinstance(node, FieldNode) or node.name.value.startswith("__"):
            continue
        ftype = get_named_type(parent.fields[node.name.value].type)
        inner, inner_depth = _connections(node.selection_set, ftype) if node.selection_set \
            else (0, 0)
        is_connection = ftype.name.endswith("Connection")
        count += inner + is_connection
        depth = max(depth, inner_depth + is_connection)
    return count, depth


def flatten(data: dict) -> list[dict]:
    """The JSONL lines of a bulk query's result: each node of a connection on its own line,
    nested connections' nodes after their parent with `__parentId`."""
    lines: list[dict] = []
    for value in data.values():
        for node in _nodes(value):
            _emit(node, None, lines)
    return lines


def _is_connection(value) -> bool:
    return isinstance(value, dict) and ("edges" in value or "nodes" in value)


def _nodes(conn: dict) -> list[dict]:
    if "nodes" in conn:
        return list(conn["nodes"])
    return [e["node"] for e in conn.get("edges") or [] if e.get("node") is not None]


def _emit(node: dict, parent_id: str | None, lines: list[dict]) -> None:
    line = {k: v for k, v in node.items() if not _is_connection(v)}
    if parent_id is not None:
        line["__parentId"] = parent_id
    lines.append(line)
    for value in node.values():
        if _is_connection(value):
            for child in _nodes(value):
                _emit(child, node.get("id"), lines)


@on("Mutation", "bulkOperationRunQuery")
def _run_query(emu, info, query, groupObjects=None):
    grouped = groupObjects if groupObjects is not None else emu.api_version < "2026-01"
    return emu.bulk.start(query, grouped)


@on("QueryRoot", "currentBulkOperation")
def _current(emu, info, type="QUERY"):
    return emu.bulk.current() if type == "QUERY" else None
