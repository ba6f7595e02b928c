"""The spreadsheets a business sets up from (catalogue, bins, opening stock): read as CSV
(any encoding, comma, semicolon or tab) or XLSX, columns found through a mapping, and the rows
that cannot be taken written to a rejected file with one reason each, so nothing is lost."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable, Mapping

from oms_desktop.connectors.base import ConnectorError
from oms_desktop.connectors.report_reading import detect_encoding, raw_rows, records
from oms_desktop.documents.csv_cells import SafeWriter
from oms_desktop.errors import ValidationError

DELIMITERS = (",", ";", "\t")
REASON = "reason"
ROW = "row"


@dataclass(frozen=True)
class Table:
    """A file's rows as {column: text} in file order (row numbers count the header as 1)."""
    path: Path
    header: list[str]
    rows: list[dict[str, str]]


@dataclass
class Rejects:
    """The rows refused, each with its file row number and one reason."""
    header: list[str]
    rows: list[tuple[int, dict[str, str], str]] = field(default_factory=list)

    def add(self, number: int, row: dict[str, str], reason: str) -> None:
        self.rows.append((number, row, reason))

    def write(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = SafeWriter(fh)
            out.writerow([ROW, *self.header, REASON])
            for number, row, reason in sorted(self.rows, key=lambda r: r[0]):
                out.writerow([number, *(row.get(h, "") for h in self.header), reason])


def read_table(path: Path | str) -> Table:
    """The whole file (set-up files are small: a catalogue of 100,000 rows fits in memory)."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"No file {path}")
    try:
        encoding = None if path.suffix.lower() == ".xlsx" else detect_encoding(path)
        delimiter = _delimiter(path, encoding)
        rows = list(records(path, encoding, delimiter))
        header = _header(path, encoding, delimiter)
    except ConnectorError as exc:
        raise ValidationError(f"{path.name}: {exc}") from None
    return Table(path, header, rows)


def _delimiter(path: Path, encoding: str | None) -> str:
    if encoding is None:
        return ","
    with path.open(encoding=encoding, newline="") as fh:
        first = fh.readline()
    return max(DELIMITERS, key=first.count)


def _header(path: Path, encoding: str | None, delimiter: str) -> list[str]:
    first = next(iter(raw_rows(path, encoding, delimiter)), ())
    return [str(h or "").strip().lstrip("\ufeff") for h in first if str(h or "").strip()]


def resolve_columns(header: Iterable[str], mapping: Mapping[str, str] | None,
                    aliases: Mapping[str, tuple[str, ...]], required: Iterable[str]) -> dict:
    """{field: column}: the mapping's choices (each column must exist), then for the other
    fields a column named like them; a required field without a column is refused."""
    header = list(header)
    by_lower = {h.lower(): h for h in header}
    columns: dict[str, str] = {}
    for name, column in (mapping or {}).items():
        if name not in aliases:
            raise ValidationError(f"Unknown field {name!r} in the mapping; fields: "
                                  + ", ".join(aliases))
        if column.lower() not in by_lower:
            raise ValidationError(f"The mapping names column {column!r}, which the file "
                                  f"does not have (columns: {', '.join(header)})")
        columns[name] = by_lower[column.lower()]
    for name, names in aliases.items():
        if name not in columns:
            found = next((by_lower[n] for n in (name, *names) if n in by_lower), None)
            if found:
                columns[name] = found
    missing = [f for f in required if f not in columns]
    if missing:
        raise ValidationError(f"No column for {', '.join(missing)}: map it with "
                              f"field=Column (columns: {', '.join(header)})")
    return columns


def parse_mapping(text: str) -> dict[str, str]:
    """`sku=Item code,name=Title` as {field: column}."""
    mapping = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, column = part.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise ValidationError(f"Bad mapping {part!r}: write field=Column")
        mapping[name.strip()] = column.strip()
    return mapping


def number(text: str, what: str, *, scale: Decimal = Decimal(1)) -> int | None:
    """A whole non-negative number (after `scale`, rounded), None when blank."""
    value = decimal(text, what)
    if value is None:
        return None
    return int((value * scale).to_integral_value())


def decimal(text: str, what: str) -> Decimal | None:
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # 1,5 from a spreadsheet in a comma-decimal locale
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{what} {text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise ValidationError(f"{what} {text!r} must be zero or more")
    return value


def split_list(text: str) -> list[str]:
    """`a|b`, `a;b` or `a b`: the non-blank parts."""
    for sep in ("|", ";"):
        text = text.replace(sep, " ")
    return [p for p in text.split() if p]


__all__ = ["Rejects", "Table", "decimal", "number", "parse_mapping", "read_table",
           "resolve_columns", "split_list"]
