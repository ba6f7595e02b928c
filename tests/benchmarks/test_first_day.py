"""A new business's catalogue of 10,000 products (barcodes, weights, sizes, every tenth a kit)
from a CSV file, and 10,000 opening-stock rows, on SQLite and PostgreSQL:

    OMS_TEST_POSTGRES_URL=… .venv/bin/python -m pytest tests/benchmarks/test_first_day.py \
        -m benchmark --benchmark-enable -s
"""

from __future__ import annotations

import time

import pytest

from oms_desktop.model import SYSTEM
from oms_desktop.policies.barcodes import with_check_digit
from oms_desktop.services.inventory import catalog_import, site_import
from tests.integration.test_catalogue_import import write_csv

PRODUCTS = 10_000
CATALOGUE_SECONDS = 120  # a first day's catalogue within two minutes


def _catalogue(path):
    rows = []
    for i in range(PRODUCTS):
        kit = f"P{i - 1:05d}:2|P{i - 2:05d}" if i % 10 == 9 else ""
        rows.append([f"P{i:05d}", f"Product {i}", with_check_digit(f"400{i:09d}"),
                     "0.25", "12", "9", "10", "9.99", kit])
    return write_csv(path, ["sku", "name", "barcode", "weight", "length", "width", "height",
                            "price", "components"], rows)


@pytest.mark.benchmark
def test_a_10000_product_catalogue_and_its_opening_stock(db, tmp_path):
    bins = write_csv(tmp_path / "bins.csv", ["site", "zone", "bin", "sequence"],
                     [["MAIN", f"Z{i // 100}", f"B-{i:04d}", str(i)] for i in range(1000)])
    started = time.perf_counter()
    site_import.import_bins(db, actor=SYSTEM, path=bins)
    bins_s = time.perf_counter() - started
    source = _catalogue(tmp_path / "catalogue.csv")
    started = time.perf_counter()
    result = catalog_import.import_catalogue(db, actor=SYSTEM, path=source,
                                             mapping={"weight_unit": "kg", "size_unit": "cm"})
    catalogue_s = time.perf_counter() - started
    assert (result.created, result.rejected) == (PRODUCTS, 0)
    again_started = time.perf_counter()
    again = catalog_import.import_catalogue(db, actor=SYSTEM, path=source,
                                            mapping={"weight_unit": "kg", "size_unit": "cm"})
    again_s = time.perf_counter() - again_started
    assert again.unchanged == PRODUCTS
    counted = write_csv(tmp_path / "stock.csv", ["sku", "location", "quantity", "unit_cost"],
                        [[f"P{i:05d}", f"B-{i % 1000:04d}", "5", "2.50"]
                         for i in range(PRODUCTS)])
    started = time.perf_counter()
    assert site_import.import_stock(db, actor=SYSTEM, path=counted).saved == PRODUCTS
    stock_s = time.perf_counter() - started
    print(f"\n{db.engine.dialect.name}: 1,000 bins {bins_s:.1f} s; 10,000 products "
          f"{catalogue_s:.1f} s (again, unchanged: {again_s:.1f} s); 10,000 stock rows "
          f"{stock_s:.1f} s")
    assert catalogue_s < CATALOGUE_SECONDS
