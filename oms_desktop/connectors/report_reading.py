"""Reading marketplace report files as sellers really send them: which file it is (name, size,
SHA-256), which text encoding (a byte-order mark, else UTF-8 if it decodes, else what
charset-normalizer finds among the encodings sellers' spreadsheets save), rows streamed
from CSV, TSV or XLSX, and the rows of one order gathered wherever they stand in the file,
in bounded memory."""

from __future__ import annotations

import codecs
import csv
import hashlib
import zipfile
from collections import Counter
from pathlib import Path
from typing import Iterator

from charset_normalizer import from_bytes

from oms_desktop.connectors.base import ConnectorError
from oms_desktop.connectors.dto import FileIdentity

CHUNK = 1 << 20
SAMPLE = 256 * 1024
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
# What spreadsheets and marketplace back offices save when it is not UTF-8.
LEGACY = ["cp1252", "latin_1", "iso8859_15", "cp1250", "cp1251", "utf_16_le", "utf_16_be"]
TAB_SUFFIXES = (".txt", ".tsv")


class ReportUnreadable(ConnectorError):
    """A whole file cannot be read (not a workbook, no header, unknown encoding)."""


def identify(path: Path) -> FileIdentity:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileIdentity(path.name, size, digest.hexdigest())


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False


def detect_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE)
    for bom, name in BOMS:
        if sample.startswith(bom):
            return name
    if _decodes(path, "utf-8"):
        return "utf-8"
    best = from_bytes(sample, cp_isolation=LEGACY).best()
    for name in ([best.encoding] if best else []) + ["cp1252", "latin_1"]:
        if _decodes(path, name):
            return name
    raise ReportUnreadable("the text encoding could not be recognised")


def _text_rows(path: Path, encoding: str, delimiter: str) -> Iterator[list]:
    if path.suffix.lower() in TAB_SUFFIXES:
        delimiter = "\t"
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            yield from reader
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ReportUnreadable(f"line {reader.line_num}: {exc}") from None


def _xlsx_rows(path: Path) -> Iterator[tuple]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ReportUnreadable(f"not a readable XLSX workbook ({exc})") from None
    try:
        yield from book.active.iter_rows(values_only=True)
    except Exception as exc:  # noqa: BLE001 - whatever a damaged sheet raises, one line
        raise ReportUnreadable(f"the workbook is damaged ({type(exc).__name__}: {exc})") \
            from None
    finally:
        book.close()


def raw_rows(path: Path, encoding: str | None, delimiter: str) -> Iterator[list | tuple]:
    """Every row of the file, the header first (XLSX: the active sheet)."""
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path)
    return _text_rows(path, encoding or "utf-8", delimiter)


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def _header(rows: Iterator) -> list[str]:
    header = [_cell(h).lstrip("\ufeff") for h in next(rows, None) or ()]
    if not any(header):
        raise ReportUnreadable("the file has no header row")
    return header


def records(path: Path, encoding: str | None, delimiter: str) -> Iterator[dict]:
    """Rows as {column: text}, blank rows skipped; the columns from the first row."""
    rows = raw_rows(path, encoding, delimiter)
    header = _header(rows)
    for row in rows:
        if any(v not in (None, "") for v in row):
            yield {h: _cell(v) for h, v in zip(header, row) if h}


def _keys(path: Path, encoding: str | None, delimiter: str, key_column: str) -> Iterator[str]:
    """The key column of every row `records` yields, without building the rows."""
    rows = raw_rows(path, encoding, delimiter)
    header = _header(rows)
    at = header.index(key_column) if key_column in header else None
    for row in rows:
        if any(v not in (None, "") for v in row):
            yield _cell(row[at]) if at is not None and at < len(row) else ""


def grouped(path: Path, encoding: str | None, delimiter: str,
            key_column: str) -> Iterator[tuple[str, list[dict]]]:
    """(order id, its rows) once all its rows are read. A first pass counts each order's rows,
    so an order whose rows are scattered is still whole, and only orders still incomplete are
    held in memory."""
    counts = Counter(_keys(path, encoding, delimiter, key_column))
    pending: dict[str, list[dict]] = {}
    for row in records(path, encoding, delimiter):
        key = row.get(key_column, "")
        rows = pending.setdefault(key, [])
        rows.append(row)
        if len(rows) == counts[key]:
            del pending[key]
            yield key, rows
