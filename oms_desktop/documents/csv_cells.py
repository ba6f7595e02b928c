"""CSV files that people open in a spreadsheet. A text cell beginning with `=`, `+`, `-`, `@`,
a tab or a carriage return is read there as a formula (`=HYPERLINK(…)` from a customer's
name is enough), so such a cell gets a leading apostrophe, as OWASP's CSV-injection advice
says. Numbers are written as they are: a negative total stays a number."""

from __future__ import annotations

import csv
from typing import Any, Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` whose every text cell has gone through `safe_cell`."""

    def __init__(self, handle, **options):
        self._out = csv.writer(handle, **options)

    def writerow(self, row: Sequence[Any]) -> None:
        self._out.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.writerow(row)
