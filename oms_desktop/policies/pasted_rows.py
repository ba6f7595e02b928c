"""Rows pasted from a spreadsheet into a purchase order: each row is a SKU or barcode, a tab,
the quantity, and optionally a tab and the requested date. Every row is either a line or a
bad row with one reason a person can act on; nothing good is dropped for a bad neighbour.

    >>> parse("SKU-1\\t12\\nMUG\\tten\\n", today=date(2026, 12, 1)).bad[0].reason
    "quantity 'ten' is not a number"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MAX_QUANTITY = 1_000_000
MAX_CODE = 64
HEADER_WORDS = frozenset({"qty", "quantity", "qté", "menge", "units", "pcs", "amount",
                          "count", "ordered"})
_GROUPED = re.compile(r"^\d{1,3}(?:[,\u00a0 ]\d{3})+$")  # 1,200 as a spreadsheet shows it
_WHOLE = re.compile(r"^[+-]?\d+(?:\.0+)?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_COMPACT_DAY = re.compile(r"^\d{8}$")


@dataclass(frozen=True)
class PastedLine:
    row: int  # 1-based row of the pasted text
    code: str  # our SKU or a barcode, as pasted
    quantity: int
    requested_on: date | None = None


@dataclass(frozen=True)
class BadRow:
    row: int
    text: str  # the row as pasted (tabs shown as " | ")
    reason: str


@dataclass(frozen=True)
class Pasted:
    lines: tuple[PastedLine, ...]
    bad: tuple[BadRow, ...]


def parse(text: str, *, today: date) -> Pasted:
    """Judge every row of `text` (a header row, blank rows and empty trailing cells are
    ignored). A requested date before `today` is refused."""
    lines, bad = [], []
    for number, raw in enumerate(text.splitlines(), 1):
        cells = _cells(raw)
        if not cells or _first_header(lines, bad, cells):
            continue
        judged = _row(number, cells, today)
        if isinstance(judged, str):
            bad.append(BadRow(number, " | ".join(cells), judged))
        else:
            lines.append(judged)
    return Pasted(tuple(lines), tuple(bad))


def _cells(raw: str) -> list[str]:
    cells = [c.strip().strip('"').strip() for c in raw.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _first_header(lines: list, bad: list, cells: list[str]) -> bool:
    """A header below leading blank rows is still the first row that says anything."""
    return not lines and not bad and _is_header(cells)


def _is_header(cells: list[str]) -> bool:
    return len(cells) >= 2 and cells[1].lower().rstrip(".:") in HEADER_WORDS


def _row(number: int, cells: list[str], today: date) -> PastedLine | str:
    if len(cells) > 3:
        return (f"{len(cells)} cells: expected SKU or barcode, quantity and an optional "
                "requested date")
    code = cells[0]
    if not code:
        return "no SKU or barcode in the first cell"
    if len(code) > MAX_CODE or any(ch.isspace() for ch in code):
        return f"{code[:20]!r} is not a SKU or barcode (spaces or over {MAX_CODE} characters)"
    if len(cells) < 2 or not cells[1]:
        return "no quantity: put it in the cell after the SKU or barcode"
    quantity = _quantity(cells[1])
    if isinstance(quantity, str):
        return quantity
    day = _day(cells[2], today) if len(cells) == 3 else None
    if isinstance(day, str):
        return day
    return PastedLine(number, code, quantity, day)


def _quantity(cell: str) -> int | str:
    text = cell.replace("\u00a0", " ")
    if _GROUPED.match(text):
        text = re.sub(r"[, ]", "", text)
    if not _NUMBER.match(text):
        return f"quantity {cell!r} is not a number"
    if not _WHOLE.match(text):
        return f"quantity {cell} is not a whole number"
    quantity = int(float(text))
    if quantity <= 0:
        return f"quantity {cell} must be more than zero"
    if quantity > MAX_QUANTITY:
        return f"quantity {cell} is more than {MAX_QUANTITY:,}"
    return quantity


def _day(cell: str, today: date) -> date | str:
    text = cell.strip()
    try:
        day = date(int(text[:4]), int(text[4:6]), int(text[6:])) \
            if _COMPACT_DAY.match(text) else date.fromisoformat(text[:10]) \
            if len(text) in (10, 19) and text[4] == "-" else None
    except ValueError:
        day = None
    if day is None:
        return f"date {cell!r} is not a date like {today.isoformat()}"
    if day < today:
        return f"requested date {day.isoformat()} is in the past"
    return day
