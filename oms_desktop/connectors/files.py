"""Marketplace order reports as files (Amazon, Flipkart, Etsy exports; CSV, TXT or XLSX)
dropped in an inbox folder, read with the preset's columns or a saved column mapping; shipping
confirmations are written as the marketplace's tracking upload file in an outbox folder."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator, Sequence

from oms_desktop.connectors.base import Connector, ConnectorError, ReportFiles
from oms_desktop.connectors.dto import (
    AddressDTO, Failure, FileIdentity, FulfilmentLine, LineDTO, OrderDTO, Page, PushResult,
    ReportRead, StockLevelDTO, describe_error,
)
from oms_desktop.connectors.report_reading import detect_encoding, grouped, identify, records
from oms_desktop.connectors.file_formats import COUNTRY_NAMES, FIELDS, PRESETS, REQUIRED
from oms_desktop.documents.csv_cells import SafeWriter
from oms_desktop.plugins.settings import SettingField

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")
BATCH = 1000  # orders per page: well inside SQLite's and PostgreSQL's parameter limits
# Fields every row of one order must agree on: two buyers under one order id are a conflict.
BUYER_FIELDS = ("email", "buyer_name", "ship_name", "line1", "postal_code", "country")


class FileConnector(Connector, ReportFiles):
    kind = "file"
    title = "Marketplace files"
    SETTINGS = (
        SettingField("format", "Marketplace", "choice", default="amazon",
                     choices=tuple(PRESETS)),
        SettingField("inbox", "Folder with order reports", "path"),
        SettingField("outbox", "Folder for tracking upload files", "path"),
        SettingField("mapping", "Column mapping (our field → report column)", "mapping",
                     required=False, default=None),
        SettingField("currency", "Currency when the report has none", default="USD"),
    )

    def __init__(self, settings, secrets):
        super().__init__(settings, secrets)
        self.preset = PRESETS[self.settings.get("format") or "amazon"]
        mapping = self.settings.get("mapping") or {}
        if isinstance(mapping, str):
            mapping = json.loads(mapping)
        self.columns = {**self.preset["columns"], **mapping}
        unknown = set(mapping) - set(FIELDS)
        if unknown:
            raise ConnectorError(f"Unknown mapped field(s): {', '.join(sorted(unknown))}")

    def test_connection(self) -> str:
        inbox, outbox = Path(self.settings["inbox"]), Path(self.settings["outbox"])
        for folder in (inbox, outbox):
            if not folder.is_dir():
                raise ConnectorError(f"Folder {folder} does not exist")
        return f"{len(self._paths())} report file(s) in {inbox}"

    # -- reading ------------------------------------------------------------------------------
    def _paths(self) -> list[Path]:
        inbox = Path(self.settings["inbox"])
        files = [p for p in inbox.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file()]
        return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))

    def report_files(self) -> list[FileIdentity]:
        return [identify(p) for p in self._paths()]

    def read_report(self, report: FileIdentity, *, batch: int = BATCH) -> ReportRead:
        path = Path(self.settings["inbox"]) / report.name
        encoding = None if path.suffix.lower() == ".xlsx" else detect_encoding(path)
        return ReportRead(encoding, self._pages(path, encoding, batch))

    def fetch_orders(self, since: datetime | None) -> Iterator[Page]:
        """Every report in the inbox, oldest first, whatever `since` says (the sync reads
        each file once through `report_files`/`read_report` instead)."""
        for report in self.report_files():
            yield from self.read_report(report).pages

    def _pages(self, path: Path, encoding: str | None, batch: int) -> Iterator[Page]:
        stamp = _mtime(path)
        page = Page(high_water=stamp)
        for order_id, rows in grouped(path, encoding, self.preset["delimiter"],
                                      self.columns["order_id"]):
            self._take(page, {"file": path.name, "modified": stamp.isoformat(), "rows": rows},
                       order_id)
            if page.fetched >= batch:
                yield page
                page = Page(high_water=stamp)
        if page.fetched:
            yield page

    def _take(self, page: Page, raw: dict, order_id: str) -> None:
        try:
            page.orders.append(self.parse_order(raw))
            page.raw[page.orders[-1].external_id] = raw
        except Exception as exc:  # noqa: BLE001 - kept with the rows for a person
            page.failures.append(Failure(raw, describe_error(exc), order_id or None,
                                         page.high_water))

    def parse_order(self, raw: Any) -> OrderDTO:
        if "rows" not in raw:  # a whole file kept aside: its bytes will not read better
            raise ValueError(f"{raw.get('report_file')} could not be read as a whole: "
                             "export it again and drop the new file in the inbox")
        rows = [self._get(r) for r in raw["rows"]]
        first = rows[0]
        missing = [f for f in REQUIRED if not first.get(f)]
        if missing:
            raise ValueError(f"missing {', '.join(missing)} in {raw['file']}")
        if len(rows) > 1:
            self._one_buyer(rows)
        lines = [self._line(r, i) for i, r in enumerate(rows, start=1)]
        shipping = sum((_money(r.get("shipping")) for r in rows), Decimal(0))
        tax = sum((_money(r.get("tax")) for r in rows), Decimal(0))
        subtotal = sum((l.unit_price * l.quantity for l in lines), Decimal(0))
        return OrderDTO(
            external_id=first["order_id"], number=first["order_id"],
            placed_at=self._date(first.get("placed_at")) or raw["modified"],
            updated_at=raw["modified"],
            currency=first.get("currency") or self.settings.get("currency") or "USD",
            financial_status="paid", email=first.get("email") or None,
            customer_name=first.get("buyer_name") or None, shipping=self._address(first),
            lines=lines, subtotal=subtotal, shipping_total=shipping, tax_total=tax,
            total=subtotal + shipping + tax, requested_service=first.get("service") or None)

    def _one_buyer(self, rows: list[dict]) -> None:
        for field in BUYER_FIELDS:
            seen = {(v.get(field) or "").casefold() for v in rows}
            if len(seen) > 1:
                raise ValueError(f"conflict: rows of order {rows[0]['order_id']} name different "
                                 f"buyers ({self.columns.get(field, field)}: "
                                 f"{' / '.join(sorted(seen))}); kept aside, not merged")

    def _get(self, row: dict) -> dict:
        values = {f: _text(row.get(col)) for f, col in self.columns.items()}
        for k, v in (self.preset.get("defaults") or {}).items():
            values[k] = values.get(k) or v
        return values

    def _line(self, v: dict, n: int) -> LineDTO:
        quantity = _whole(v["quantity"])
        price = _money(v["price"], strict=True)
        unit = price / quantity if self.preset["price_is_line_total"] and quantity else price
        return LineDTO(external_id=v.get("line_id") or f"{v['order_id']}-{n}", sku=v["sku"],
                       name=v.get("name") or v["sku"], quantity=quantity,
                       unit_price=unit.quantize(Decimal("0.0001")), tax=_money(v.get("tax")))

    def _address(self, v: dict) -> AddressDTO | None:
        if not (v.get("line1") or v.get("city")):
            return None
        country = v.get("country")
        if country and len(country) != 2:
            country = COUNTRY_NAMES.get(country.lower(), country)
        return AddressDTO(name=v.get("ship_name") or v.get("buyer_name"), line1=v.get("line1"),
                          line2=v.get("line2") or None, city=v.get("city"),
                          region=v.get("region"), postal_code=v.get("postal_code"),
                          country=country.upper() if country else None, phone=v.get("phone"))

    def _date(self, text: str | None) -> datetime | None:
        if not text:
            return None
        try:
            d = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            d = None
            for fmt in self.preset["date_formats"]:
                try:
                    d = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            if d is None:
                raise ValueError(f"unreadable date {text!r}")
        return d if d.tzinfo else d.replace(tzinfo=timezone.utc)

    def fetch_order(self, external_id: str) -> OrderDTO:
        for page in self.fetch_orders(None):
            for order in page.orders:
                if order.external_id == external_id:
                    return order
        raise ConnectorError(f"No order {external_id} in the report files")

    # -- writing back -------------------------------------------------------------------------
    def push_fulfilment(self, external_id, *, lines: Sequence[FulfilmentLine], carrier,
                        tracking_number, tracking_url=None) -> PushResult:
        spec = self.preset["tracking"]
        day = datetime.now(timezone.utc)
        path = Path(self.settings["outbox"]) / f"{self.settings.get('format', 'amazon')}-tracking-{day:%Y%m%d}.{'txt' if spec['delimiter'] == chr(9) else 'csv'}"
        new = not path.exists()
        with path.open("a", newline="", encoding="utf-8") as fh:
            writer = SafeWriter(fh, delimiter=spec["delimiter"])
            if new:
                writer.writerow(spec["columns"])
            for line in lines:
                writer.writerow(self._tracking_row(spec["columns"], external_id, line, carrier,
                                                   tracking_number, day))
        return PushResult(external_id, True, reference=str(path))

    def _tracking_row(self, columns, order_id, line, carrier, number, day) -> list[str]:
        values = {"order": order_id, "item": line.external_line_id, "quantity": str(line.quantity),
                  "date": day.strftime("%Y-%m-%d"), "carrier": carrier or "Other",
                  "tracking": number or "", "method": ""}
        slots = {"order-id": "order", "Order ID": "order", "order-item-id": "item",
                 "Order Item ID": "item", "Transaction ID": "item", "quantity": "quantity",
                 "Quantity": "quantity", "ship-date": "date", "Ship Date": "date",
                 "Dispatch Date": "date", "carrier-code": "carrier", "carrier-name": "carrier",
                 "Courier Name": "carrier", "Carrier": "carrier", "tracking-number": "tracking",
                 "Tracking ID": "tracking", "Tracking Number": "tracking", "ship-method": "method"}
        return [values[slots[c]] for c in columns]

    def fetch_inventory(self, skus: Sequence[str]) -> dict[str, int | None]:
        return {}

    def push_inventory(self, levels: Sequence[StockLevelDTO]) -> list[PushResult]:
        day = datetime.now(timezone.utc)
        path = Path(self.settings["outbox"]) / f"inventory-{day:%Y%m%d-%H%M%S}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = SafeWriter(fh)
            writer.writerow(("sku", "quantity"))
            writer.writerows((l.sku, l.quantity) for l in levels)
        return [PushResult(l.sku, True, reference=str(path)) for l in levels]


def read_rows(path: Path, delimiter: str) -> list[dict]:
    """A whole (small) report as {column: text} rows, in its own encoding."""
    encoding = None if path.suffix.lower() == ".xlsx" else detect_encoding(path)
    return list(records(path, encoding, delimiter))


def _text(value) -> str | None:
    if value is None or value.__class__ is str:
        return value and value.strip()
    return str(value).strip()


def _whole(text: str | None) -> int:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValueError(f"quantity is not a number: {text!r}") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"quantity must be a whole number of units, not {text!r}")
    return int(value)


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)


def _money(text: str | None, *, strict: bool = False) -> Decimal:
    if text in (None, ""):
        if strict:
            raise ValueError("missing price")
        return Decimal(0)
    try:
        return Decimal(str(text).replace("₹", "").replace("$", "").strip())
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
