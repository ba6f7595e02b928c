"""Sites, zones and bins (with the walk sequence pickers follow) and the opening stock, from
CSV or XLSX files. Like the catalogue import: a dry run changes nothing, each refused row goes
to the rejected file with one reason, the rest is saved in one transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import OmsError, ValidationError
from oms_desktop.model import Actor, Location, LocationKind, Product, ProductBarcode, StockMove
from oms_desktop.policies.permissions import require
from oms_desktop.services.inventory.catalog import add_location
from oms_desktop.services.inventory.stock import receive_in
from oms_desktop.services.inventory.table_files import (
    Rejects, Table, decimal, read_table, resolve_columns,
)
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import claim

BIN_ALIASES = {"site": ("warehouse", "site code"), "zone": ("zone code", "aisle"),
               "bin": ("bin code", "location"),
               "sequence": ("walk_sequence", "walk sequence", "walk", "pick sequence")}
STOCK_ALIASES = {"sku": ("barcode", "item code", "product"), "location": ("bin", "bin code"),
                 "quantity": ("qty", "on hand", "on_hand"),
                 "unit_cost": ("cost", "unit cost", "cost price")}
OPENING = "opening stock"


@dataclass(frozen=True)
class RowsResult:
    rows: int
    saved: int
    rejected: int
    dry_run: bool
    rejected_file: str | None
    what: str

    @property
    def summary(self) -> str:
        return (f"{self.rows} rows: {self.saved} {self.what}, {self.rejected} rejected"
                + (" (dry run: nothing saved)" if self.dry_run else ""))


def import_bins(db: Database, *, actor: Actor, path: Path | str,
                mapping: dict[str, str] | None = None, dry_run: bool = False,
                rejected_path: Path | str | None = None) -> RowsResult:
    """Rows of site, zone (may be blank), bin (blank for a zone alone) and walk sequence;
    sites and zones are made the first time they are named, bins moved to their row's
    sequence when they exist."""
    require(actor, "settings.edit")
    table = read_table(path)
    columns = resolve_columns(table.header, mapping, BIN_ALIASES, ("site",))
    return _each_row(db, table, columns, lambda s, row: _bin_row(s, row), dry_run,
                     path, rejected_path, "saved")


def import_stock(db: Database, *, actor: Actor, path: Path | str,
                 mapping: dict[str, str] | None = None, dry_run: bool = False,
                 rejected_path: Path | str | None = None) -> RowsResult:
    """Rows of SKU (or barcode), location, quantity and unit cost, each received from the
    supplier as opening stock with its cost on the receipt's move. The same file twice is
    refused: its rows are keyed by the file's content."""
    require(actor, "stock.receive")
    table = read_table(path)
    columns = resolve_columns(table.header, mapping, STOCK_ALIASES,
                              ("sku", "location", "quantity"))
    key = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]

    def one(session: Session, row: dict[str, str], number_: int) -> None:
        _stock_row(session, actor, row, request_id=f"opening:{key}:{number_}")

    def first(session: Session) -> None:  # the same file at two stations: one receives it
        claim(session, f"opening-stock:{key}")
        _refuse_twice(session, key, Path(path).name)

    return _each_row(db, table, columns, one, dry_run, path, rejected_path, "received",
                     numbered=True, first=first)


def _each_row(db, table: Table, columns, apply, dry_run, path, rejected_path, what,
              numbered: bool = False, first=None) -> RowsResult:
    rejects, saved = Rejects(table.header), 0
    with db.uow() as uow:
        claim(uow.session, "setup-locations")
        if first is not None:
            first(uow.session)
        for number_, raw in enumerate(table.rows, start=2):
            row = {f: (raw.get(c) or "").strip() for f, c in columns.items()}
            try:
                with uow.session.begin_nested():
                    apply(uow.session, row, number_) if numbered else apply(uow.session, row)
                saved += 1
            except OmsError as exc:
                rejects.add(number_, raw, str(exc))
        if not dry_run:
            uow.commit()
    written = None
    if rejects.rows:
        target = Path(rejected_path) if rejected_path else \
            Path(path).with_name(f"{Path(path).stem}.rejected.csv")
        rejects.write(target)
        written = str(target)
    return RowsResult(len(table.rows), saved, len(rejects.rows), dry_run, written, what)


# -- bins --------------------------------------------------------------------------------------
def _bin_row(session: Session, row: dict[str, str]) -> None:
    if not row.get("site"):
        raise ValidationError("No site")
    sequence = _sequence(row.get("sequence", ""))
    site = _site(session, row["site"])
    parent = _under(session, row.get("zone"), LocationKind.zone, site) if row.get("zone") \
        else site
    if row.get("bin"):
        here = _under(session, row["bin"], LocationKind.bin, parent)
        here.walk_sequence = sequence if sequence is not None else here.walk_sequence
    elif sequence is not None:
        raise ValidationError("A walk sequence belongs to a bin; this row names none")


def _site(session: Session, code: str) -> Location:
    site = session.scalar(sa.select(Location).where(Location.code == code))
    if site is None:
        return add_location(session, code=code, name=code, kind=LocationKind.warehouse)
    if not site.is_site:
        raise ValidationError(f"{code} is a {site.kind.value}, not a site")
    return site


def _under(session: Session, code: str, kind: LocationKind, parent: Location) -> Location:
    """The location `code` of `kind` under `parent`, made if new; refused when the code is
    taken by another kind or another parent."""
    here = session.scalar(sa.select(Location).where(Location.code == code))
    if here is None:
        return add_location(session, code=code, name=code, kind=kind, parent=parent)
    if here.kind != kind or here.parent_id != parent.id:
        owner = session.get(Location, here.parent_id) if here.parent_id else None
        raise ValidationError(f"{code} is a {here.kind.value}"
                              + (f" under {owner.code}" if owner else "")
                              + f", not a {kind.value} under {parent.code}")
    return here


def _sequence(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise ValidationError(f"Walk sequence {text!r} must be a whole number")
    return int(text)


# -- opening stock -----------------------------------------------------------------------------
def _stock_row(session: Session, actor: Actor, row: dict[str, str], *, request_id: str) -> None:
    product = _product(session, row.get("sku", ""))
    here = session.scalar(sa.select(Location).where(Location.code == row.get("location", "")))
    if here is None:
        raise ValidationError(f"No location {row.get('location')!r}")
    if not here.holds_stock:
        raise ValidationError(f"{here.code} is a {here.kind.value}, which holds no stock")
    quantity = row.get("quantity", "")
    if not quantity.isdigit() or int(quantity) == 0:
        raise ValidationError(f"Quantity {quantity!r} must be a whole number above zero")
    receive_in(session, actor=actor, product=product, target=here, quantity=int(quantity),
               reference=OPENING, request_id=request_id,
               unit_cost=decimal(row.get("unit_cost", ""), "Unit cost"))


def _product(session: Session, code: str) -> Product:
    if not code:
        raise ValidationError("No SKU")
    product = session.scalar(sa.select(Product).where(Product.sku == code)) or session.scalar(
        sa.select(Product).join(ProductBarcode).where(ProductBarcode.code == code))
    if product is None:
        raise ValidationError(f"No product with SKU or barcode {code!r}")
    return product


def _refuse_twice(session: Session, key: str, name: str) -> None:
    seen = session.execute(sa.select(StockMove.at, StockMove.actor_name)
                           .where(StockMove.request_id.like(f"opening:{key}:%")).limit(1)).first()
    if seen is not None:
        raise ValidationError(f"{name} was imported already (by {seen.actor_name}, "
                              f"{seen.at:%Y-%m-%d %H:%M}); nothing was received twice")
