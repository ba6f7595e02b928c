"""Printing results as a table or JSON, and failing with one clear line."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Iterable, Sequence


class CliFailure(Exception):
    def __init__(self, code: int):
        self.code = code


def fail(message: str, *, code: int = 1) -> int:
    print(f"oms-desktop: error: {message}", file=sys.stderr)
    return code


def plain(value: Any) -> Any:
    """Dataclasses, decimals, dates and enums as JSON-friendly values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def emit_json(value: Any) -> None:
    json.dump(plain(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def emit_table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> None:
    rows = [["" if v is None else str(plain(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())


def emit(args, value: Any, *, rows: Iterable[Sequence[Any]] | None = None,
         headers: Sequence[str] = ()) -> None:
    """JSON with --json, else the given table (or the JSON when no table is given)."""
    if args.json or rows is None:
        emit_json(value)
    else:
        emit_table(rows, headers)


_opened: list = []  # the databases this command opened, closed when it ends


def open_db(args, *, upgrade: bool = True, create: bool = False,
            require_schema: bool | None = None):
    """The database of --db; one that does not exist, or has no schema, is refused unless the
    command creates it (`db upgrade`, `demo`). Its connections are closed when the command
    ends (`close_opened`): a program that runs commands in turn (the tests, a script calling
    `main`) would otherwise keep a pool per command open on the server."""
    from oms_desktop.storage import open_database

    db = open_database(args.db, upgrade=upgrade, create=create, require_schema=require_schema)
    _opened.append(db)
    return db


def close_opened() -> None:
    while _opened:
        _opened.pop().dispose()


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (`--limit 0`, `--limit -1` refused)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def read_secret(prompt: str) -> str:
    """A secret typed at the terminal without echo, or read from standard input when it is a
    pipe (`printf %s "$TOKEN" | oms-desktop channels add … --setting access_token=-`)."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    value = line.rstrip("\r\n")
    if not value:
        raise CliFailure(fail(f"no value for {prompt.rstrip(': ')}: type it at a terminal, "
                              "or give it on standard input", code=2))
    return value
