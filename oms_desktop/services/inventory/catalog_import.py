"""The catalogue from a CSV or XLSX file: products with their barcodes, weights, sizes and
kit components, the columns found through a mapping that can be saved by name and used again.
A dry run checks every row and changes nothing; each row that cannot be taken goes to the
rejected file with one reason, the others are created or brought up to date in one
transaction (a crash mid-way leaves nothing half imported)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from oms_desktop.errors import ValidationError
from oms_desktop.model import Actor, Setting
from oms_desktop.policies.permissions import require
from oms_desktop.services.inventory.catalog import ProductFacts
from oms_desktop.services.inventory.catalog_batch import CatalogueBatch
from oms_desktop.services.inventory.table_files import (
    Rejects, Table, decimal, number, read_table, resolve_columns, split_list,
)
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import claim

MAPPINGS_KEY = "catalogue.mappings"
CLAIM = "catalogue"  # held by whatever writes products in bulk (imports, store syncs)
ALIASES: dict[str, tuple[str, ...]] = {
    "sku": ("item code", "variant sku", "article", "product code"),
    "name": ("title", "product name", "item name"),
    "barcode": ("barcodes", "ean", "gtin", "upc", "ean13"),
    "price": ("unit price", "retail price"),
    "weight": ("weight_g", "weight (g)", "grams", "weight_kg", "weight (kg)"),
    "length": ("length_mm", "length (mm)", "depth"),
    "width": ("width_mm", "width (mm)"),
    "height": ("height_mm", "height (mm)"),
    "category": ("type", "product type"),
    "description": ("body", "details"),
    "components": ("kit", "kit components", "bundle"),
}
REQUIRED = ("sku",)
# Units of the weight and size columns: a mapping may say `weight_unit=kg`, `size_unit=cm`.
WEIGHT_UNITS = {"g": Decimal(1), "kg": Decimal(1000), "oz": Decimal("28.349523125"),
                "lb": Decimal("453.59237")}
SIZE_UNITS = {"mm": Decimal(1), "cm": Decimal(10), "m": Decimal(1000), "in": Decimal("25.4")}
UNIT_KEYS = ("weight_unit", "size_unit")


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    dry_run: bool
    rejected_file: str | None

    @property
    def summary(self) -> str:
        return (f"{self.rows} rows: {self.created} new, {self.updated} changed, "
                f"{self.unchanged} unchanged, {self.rejected} rejected"
                + (" (dry run: nothing saved)" if self.dry_run else ""))


def import_catalogue(db: Database, *, actor: Actor, path: Path | str,
                     mapping: dict[str, str] | None = None, dry_run: bool = False,
                     rejected_path: Path | str | None = None) -> ImportResult:
    """Plain products first, kits after them (their components may be further down)."""
    require(actor, "settings.edit")
    table = read_table(path)
    units, columns = _units(mapping), _columns(table, mapping)
    rejects = Rejects(table.header)
    facts = _facts(table, columns, units, rejects)
    with db.uow() as uow:
        claim(uow.session, CLAIM)  # two stations importing at once: one after the other
        batch = CatalogueBatch(uow.session, (f for _, _, f in facts))
        for number_, row, fact in sorted(facts, key=lambda f: f[2].components is not None):
            try:
                batch.judge(fact)
            except ValidationError as exc:
                rejects.add(number_, row, str(exc))
        counts = batch.write()
        if not dry_run:
            uow.commit()
    return _result(table, counts, rejects, dry_run, path, rejected_path)


def _columns(table: Table, mapping: dict[str, str] | None) -> dict[str, str]:
    plain = {k: v for k, v in (mapping or {}).items() if k not in UNIT_KEYS}
    return resolve_columns(table.header, plain, ALIASES, REQUIRED)


def _units(mapping: dict[str, str] | None) -> tuple[Decimal, Decimal]:
    mapping = mapping or {}
    weight, size = mapping.get("weight_unit", "g"), mapping.get("size_unit", "mm")
    if weight not in WEIGHT_UNITS:
        raise ValidationError(f"Unknown weight unit {weight!r}: {', '.join(WEIGHT_UNITS)}")
    if size not in SIZE_UNITS:
        raise ValidationError(f"Unknown size unit {size!r}: {', '.join(SIZE_UNITS)}")
    return WEIGHT_UNITS[weight], SIZE_UNITS[size]


def _facts(table: Table, columns: dict[str, str], units, rejects: Rejects) -> list:
    """(row number, row, facts) for every row that reads; the others are rejected, and so is
    a SKU seen on an earlier row."""
    seen: dict[str, int] = {}
    out = []
    for number_, row in enumerate(table.rows, start=2):
        try:
            fact = row_facts(row, columns, units)
        except ValidationError as exc:
            rejects.add(number_, row, str(exc))
            continue
        if fact.sku in seen:
            rejects.add(number_, row, f"SKU {fact.sku} is on row {seen[fact.sku]} already")
            continue
        seen[fact.sku] = number_
        out.append((number_, row, fact))
    return out


def row_facts(row: dict[str, str], columns: dict[str, str], units) -> ProductFacts:
    cell = lambda name: (row.get(columns[name], "") if name in columns else "").strip()  # noqa: E731
    weight, size = units
    if not cell("sku"):
        raise ValidationError("No SKU")
    return ProductFacts(
        sku=cell("sku"), name=cell("name") or None,
        barcodes=tuple(split_list(cell("barcode"))),
        price=decimal(cell("price"), "Price"),
        weight_g=number(cell("weight"), "Weight", scale=weight),
        length_mm=number(cell("length"), "Length", scale=size),
        width_mm=number(cell("width"), "Width", scale=size),
        height_mm=number(cell("height"), "Height", scale=size),
        category=cell("category")[:64] or None, description=cell("description") or None,
        components=_kit(cell("components")))


def _kit(text: str) -> dict[str, int] | None:
    """`MUG-BLUE:2|COASTER` (quantity 1 when not given); None when blank."""
    if not text:
        return None
    kit: dict[str, int] = {}
    for part in split_list(text):
        sku, _, qty = part.partition(":")
        if qty and not qty.isdigit():
            raise ValidationError(f"Kit component {part!r}: the quantity must be a number")
        kit[sku] = kit.get(sku, 0) + int(qty or 1)
    return kit


def _result(table: Table, counts: dict, rejects: Rejects, dry_run: bool, path,
            rejected_path) -> ImportResult:
    written = None
    if rejects.rows:
        target = Path(rejected_path) if rejected_path else _rejected_name(Path(path))
        rejects.write(target)
        written = str(target)
    return ImportResult(len(table.rows), counts["created"], counts["updated"],
                        counts["unchanged"], len(rejects.rows), dry_run, written)


def _rejected_name(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejected.csv")


# -- saved mappings ---------------------------------------------------------------------------
def save_mapping(db: Database, *, actor: Actor, name: str, mapping: dict[str, str]) -> None:
    require(actor, "settings.edit")
    for key in mapping:
        if key not in ALIASES and key not in UNIT_KEYS:
            raise ValidationError(f"Unknown field {key!r}; fields: {', '.join(ALIASES)}")
    with db.uow() as uow:
        setting = uow.session.get(Setting, MAPPINGS_KEY) or Setting(key=MAPPINGS_KEY, value={})
        setting.value = {**(setting.value or {}), name: dict(mapping)}
        uow.session.add(setting)
        uow.commit()


def saved_mappings(db: Database) -> dict[str, dict[str, str]]:
    with db.uow(readonly=True) as uow:
        value = uow.session.scalar(sa.select(Setting.value).where(Setting.key == MAPPINGS_KEY))
        return dict(value or {})


def mapping_named(db: Database, name: str) -> dict[str, str]:
    found = saved_mappings(db).get(name)
    if found is None:
        raise ValidationError(f"No saved mapping {name!r}")
    return found
