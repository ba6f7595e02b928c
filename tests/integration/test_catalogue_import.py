"""A new business brings its catalogue from a spreadsheet: columns mapped, kits, barcodes,
weights and sizes in the file's units, bad rows kept aside with their reasons."""

import csv
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from oms_desktop.errors import ValidationError
from oms_desktop.model import Product
from oms_desktop.services.inventory import catalog_import
from oms_desktop.values import SYSTEM

MAPPING = {"sku": "Item code", "name": "Title", "barcode": "EAN", "weight": "Weight kg",
           "length": "L cm", "width": "W cm", "height": "H cm", "components": "Kit",
           "weight_unit": "kg", "size_unit": "cm"}
HEADER = ["Item code", "Title", "EAN", "Weight kg", "L cm", "W cm", "H cm", "Price", "Kit"]
ROWS = [
    ["MUG-BLUE", "Blue mug", "4006381333931", "0,35", "12", "9", "10", "8.50", ""],
    ["COASTER", "Cork coaster", "", "0.02", "10", "10", "0.5", "2", ""],
    ["GIFT-SET", "Mug and two coasters", "", "0.4", "20", "15", "12", "12", "MUG-BLUE|COASTER:2"],
    ["", "No code at all", "", "", "", "", "", "", ""],
    ["BAD-EAN", "Typo in the barcode", "4006381333932", "", "", "", "", "", ""],
    ["MUG-BLUE", "The same mug again", "", "", "", "", "", "", ""],
    ["HEAVY", "Heavy thing", "", "ten", "", "", "", "", ""],
    ["ODD-KIT", "A kit of something unknown", "", "", "", "", "", "", "NOPE:1"],
    ["TAKEN", "Someone else's barcode", "4006381333931", "", "", "", "", "", ""],
]


def write_csv(path, header, rows, delimiter=","):
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=delimiter)
        out.writerow(header)
        out.writerows(rows)
    return path


def read_rejected(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return {r["Item code"] or r["Title"]: (r["row"], r["reason"]) for r in csv.DictReader(fh)}


def products(db):
    with db.uow(readonly=True) as uow:
        return {p.sku: (p.name, p.weight_g, p.length_mm, p.width_mm, p.height_mm,
                        sorted(b.code for b in p.barcodes),
                        {c.component.sku: c.quantity for c in p.components})
                for p in uow.session.scalars(sa.select(Product))}


def test_a_mapped_file_brings_products_kits_and_keeps_bad_rows_aside(db, tmp_path):
    source = write_csv(tmp_path / "catalogue.csv", HEADER, ROWS, delimiter=";")
    result = catalog_import.import_catalogue(db, actor=SYSTEM, path=source, mapping=MAPPING)
    assert (result.rows, result.created, result.rejected) == (9, 3, 6)
    got = products(db)
    assert got["MUG-BLUE"] == ("Blue mug", 350, 120, 90, 100, ["4006381333931"], {})
    assert got["COASTER"][1:5] == (20, 100, 100, 5)
    assert got["GIFT-SET"][6] == {"MUG-BLUE": 1, "COASTER": 2}
    rejected = read_rejected(result.rejected_file)
    assert set(rejected) == {"No code at all", "BAD-EAN", "MUG-BLUE", "HEAVY", "ODD-KIT",
                             "TAKEN"}, "every row not taken is in the rejected file"
    assert rejected["No code at all"] == ("5", "No SKU")
    assert "check digit should be 1" in rejected["BAD-EAN"][1]
    assert rejected["MUG-BLUE"] == ("7", "SKU MUG-BLUE is on row 2 already")
    assert rejected["HEAVY"][1] == "Weight 'ten' is not a number"
    assert rejected["ODD-KIT"][1] == "Kit component NOPE is not in the catalogue"
    assert rejected["TAKEN"][1] == "Barcode 4006381333931 belongs to MUG-BLUE already"


def test_a_dry_run_checks_every_row_and_saves_nothing(db, tmp_path):
    source = write_csv(tmp_path / "catalogue.csv", HEADER, ROWS)
    result = catalog_import.import_catalogue(db, actor=SYSTEM, path=source, mapping=MAPPING,
                                             dry_run=True, rejected_path=tmp_path / "out.csv")
    assert (result.created, result.rejected, result.dry_run) == (3, 6, True)
    assert products(db) == {}
    assert len(read_rejected(tmp_path / "out.csv")) == 6


def test_the_same_file_again_changes_only_what_changed(db, tmp_path):
    source = write_csv(tmp_path / "catalogue.csv", HEADER, ROWS[:3])
    catalog_import.import_catalogue(db, actor=SYSTEM, path=source, mapping=MAPPING)
    changed = [["MUG-BLUE", "Blue mug", "4006381333931 96385074", "0.36", "12", "9", "10", "",
                ""], *ROWS[1:3]]
    again = catalog_import.import_catalogue(
        db, actor=SYSTEM, path=write_csv(tmp_path / "v2.csv", HEADER, changed), mapping=MAPPING)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 1, 2, 0)
    assert products(db)["MUG-BLUE"][1] == 360
    assert products(db)["MUG-BLUE"][5] == ["4006381333931", "96385074"]


def test_an_xlsx_file_with_a_saved_mapping(db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["MUG-RED", "Red mug", 4006381333931, 0.35, 12, 9, 10, 8.5, None])
    book.save(tmp_path / "catalogue.xlsx")
    catalog_import.save_mapping(db, actor=SYSTEM, name="supplier", mapping=MAPPING)
    mapping = catalog_import.mapping_named(db, "supplier")
    result = catalog_import.import_catalogue(db, actor=SYSTEM, path=tmp_path / "catalogue.xlsx",
                                             mapping=mapping)
    assert (result.created, result.rejected) == (1, 0)
    assert products(db)["MUG-RED"][1:6] == (350, 120, 90, 100, ["4006381333931"])


def test_a_mapping_naming_a_missing_column_is_one_clear_error(db, tmp_path):
    source = write_csv(tmp_path / "catalogue.csv", HEADER, ROWS[:1])
    with pytest.raises(ValidationError, match="column 'Barcode', which the file does not"):
        catalog_import.import_catalogue(db, actor=SYSTEM, path=source,
                                        mapping={"sku": "Item code", "barcode": "Barcode"})
    assert products(db) == {}


def test_the_price_column_found_by_its_name(db, tmp_path):
    source = write_csv(tmp_path / "catalogue.csv", ["sku", "name", "price"], [["A", "A", "1.25"]])
    catalog_import.import_catalogue(db, actor=SYSTEM, path=source)
    with db.uow(readonly=True) as uow:
        assert uow.session.scalar(sa.select(Product.price)) == Decimal("1.25")
