"""Sites, zones and bins with their walk sequence, and the opening stock with its unit cost,
from files; and the same through `oms-desktop setup …`."""

import csv
import json

import pytest
import sqlalchemy as sa

from oms_desktop.cli import main
from oms_desktop.errors import ValidationError
from oms_desktop.model import Location, StockMove
from oms_desktop.services.inventory import site_import, stock
from oms_desktop.services.inventory.catalog import create_product
from oms_desktop.services.setup_status import missing_steps
from oms_desktop.storage import Database
from oms_desktop.values import SYSTEM
from tests.integration.test_catalogue_import import read_rejected, write_csv

BINS = [["WH1", "A", "A-01", "1"], ["WH1", "A", "A-02", "2"], ["WH1", "B", "B-01", "3"],
        ["WH1", "A", "", ""], ["WH1", "A", "A-03", "x"], ["", "A", "A-09", "9"],
        ["A-01", "", "Z-1", "1"]]


def test_bins_from_a_file_with_their_walk_sequence(db, tmp_path):
    source = write_csv(tmp_path / "bins.csv", ["site", "zone", "bin", "sequence"], BINS)
    result = site_import.import_bins(db, actor=SYSTEM, path=source)
    assert (result.saved, result.rejected) == (4, 3)
    with db.uow(readonly=True) as uow:
        found = {l.code: (l.kind.value, l.parent.code if l.parent else None, l.walk_sequence,
                          l.site_id) for l in uow.session.scalars(sa.select(Location))}
    site_id = found["WH1"][3]
    assert found["A-01"] == ("bin", "A", 1, site_id) and found["B-01"] == ("bin", "B", 3, site_id)
    assert found["A"][:2] == ("zone", "WH1")
    with open(result.rejected_file, newline="") as fh:
        reasons = [r["reason"] for r in csv.DictReader(fh)]
    assert reasons == ["Walk sequence 'x' must be a whole number", "No site",
                       "A-01 is a bin, not a site"]


def test_opening_stock_with_its_cost_once_only(db, tmp_path):
    write = lambda name, rows: write_csv(tmp_path / name, ["site", "zone", "bin", "sequence"], rows)  # noqa: E731
    site_import.import_bins(db, actor=SYSTEM, path=write("bins.csv", BINS[:3]))
    create_product(db, actor=SYSTEM, sku="MUG-BLUE", name="Blue mug", barcodes=("4006381333931",))
    rows = [["4006381333931", "A-01", "12", "3.20"], ["MUG-BLUE", "B-01", "5", ""],
            ["NOPE", "A-01", "1", "1"], ["MUG-BLUE", "A", "0", "1"], ["MUG-BLUE", "Q-9", "1", ""],
            ["MUG-BLUE", "A-02", "2", "cheap"]]
    source = write_csv(tmp_path / "stock.csv", ["barcode", "bin", "qty", "cost"], rows)
    result = site_import.import_stock(db, actor=SYSTEM, path=source)
    assert (result.saved, result.rejected) == (2, 4)
    assert {(r.location, r.on_hand) for r in stock.levels(db, sku="MUG-BLUE")} == {
        ("A-01", 12), ("B-01", 5)}
    with db.uow(readonly=True) as uow:
        costs = sorted(str(c) for c in uow.session.scalars(sa.select(StockMove.unit_cost)))
    assert costs[0].startswith("3.2") and costs[1] == "None"
    assert stock.reconcile(db) == []
    with open(result.rejected_file, newline="") as fh:
        rejected = {r["row"]: r["reason"] for r in csv.DictReader(fh)}
    assert rejected == {"4": "No product with SKU or barcode 'NOPE'",
                        "5": "Quantity '0' must be a whole number above zero",
                        "6": "No location 'Q-9'", "7": "Unit cost 'cheap' is not a number"}
    with pytest.raises(ValidationError, match="stock.csv was imported already"):
        site_import.import_stock(db, actor=SYSTEM, path=source)
    assert {(r.location, r.on_hand) for r in stock.levels(db, sku="MUG-BLUE")} == {
        ("A-01", 12), ("B-01", 5)}


def test_a_new_business_sets_up_from_the_command_line(db_url, cli_admin, tmp_path, capsys):
    run = lambda *a: (main([*a, "--db", db_url]), *capsys.readouterr())  # noqa: E731
    code, out, _ = run("setup", "status", "--json")
    assert code == 0 and not any(s["done"] for s in json.loads(out))
    assert run("setup", "company", "Cork & Clay Ltd", "--brand", "Cork")[0] == 0
    bins = write_csv(tmp_path / "bins.csv", ["Warehouse", "Aisle", "Bin code", "Walk"], BINS[:3])
    code, out, err = run("setup", "bins", "--csv", str(bins))
    assert (code, err) == (0, "") and "3 rows: 3 saved" in out
    catalogue = write_csv(tmp_path / "cat.csv", ["Code", "Title", "EAN"],
                          [["MUG", "Mug", "4006381333931"], ["CUP", "Cup", "123"],
                           ["BAD", "Bad", "4006381333932"]])
    code, out, err = run("setup", "catalogue", "--csv", str(catalogue), "--map",
                         "sku=Code,name=Title,barcode=EAN", "--dry-run")
    assert code == 1 and "dry run" in out and "2 new" in out
    assert err.count("\n") == 1 and "1 rows rejected" in err and "cat.rejected.csv" in err
    assert "Traceback" not in err
    run("setup", "catalogue", "--csv", str(catalogue), "--map",
        "sku=Code,name=Title,barcode=EAN", "--save-map", "shop", "--dry-run")
    code, _, err = run("setup", "catalogue", "--csv", str(catalogue), "--map", "shop")
    assert (code, err.strip()) == (1, "oms-desktop: error: No saved mapping 'shop'"), \
        "a dry run saves nothing, not even the mapping"
    code, out, err = run("setup", "catalogue", "--csv", str(catalogue), "--map",
                         "sku=Code,name=Title,barcode=EAN", "--save-map", "shop",
                         "--rejected", str(tmp_path / "bad.csv"))
    assert code == 1 and "2 new" in out and set(read_rejected_any(tmp_path / "bad.csv")) == {"BAD"}
    code, out, _ = run("setup", "catalogue", "--csv", str(catalogue), "--map", "shop",
                       "--dry-run", "--rejected", str(tmp_path / "bad2.csv"))
    assert "2 unchanged" in out, "the saved mapping is used again by its name"
    code, out, err = run("setup", "stock", "--csv", str(write_csv(
        tmp_path / "stock.csv", ["sku", "location", "quantity"], [["MUG", "A-01", "4"]])))
    assert code == 0 and "1 received" in out
    code, _, err = run("setup", "catalogue", "--csv", str(catalogue), "--map", "nosuch")
    assert code == 1 and err.strip() == "oms-desktop: error: No saved mapping 'nosuch'"
    left = {s.key for s in missing_steps(Database(db_url))}
    assert left == {"channels", "carriers", "boxes", "printers", "email", "users"}


def read_rejected_any(path):
    with open(path, newline="") as fh:
        return {r["Code"]: r["reason"] for r in csv.DictReader(fh)}
