"""The first day on the program as the .deb installs it: nothing of ours but the bundle's own
executable (its Python, Qt and libraries), driven the way a new business drives it. The owner
sets up from files and the store (the strict Shopify emulator) with the command line; the
packer signs in at the window, scans the first order with a USB scanner (xdotool: Shift for
capitals) and F4 packs it and prints its label, which a real decoder reads back.

Runs when OMS_TEST_BUNDLE names a built bundle folder (packaging/linux/ci sets it to the
folder the .deb unpacks); skipped otherwise, since building one takes a minute."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pypdfium2 as pdfium
import pytest
import zxingcpp

from tests.connectors.conftest import shopify  # noqa: F401 - fixture
from tests.connectors.shopify_emulator import TOKEN
from tests.integration.test_catalogue_import import write_csv
from tests.realwindow.conftest import sign_in
from tests.realwindow.floor import GOOD, Floor
from tests.realwindow.polling import wait_until
from tests.realwindow.records import Records
from tests.realwindow.station import Station, cli, program_env

BUNDLE = os.environ.get("OMS_TEST_BUNDLE")
pytestmark = pytest.mark.skipif(
    not BUNDLE, reason="OMS_TEST_BUNDLE names no built bundle (packaging/linux/ci sets it)")

MUG, POSTER = "4006381333931", "5901234123457"
OWNER = {"OMS_USER": "owner", "OMS_PIN": "1357"}


@pytest.fixture
def installed() -> list[str]:
    executable = Path(BUNDLE).resolve() / "oms-desktop"
    assert os.access(executable, os.X_OK), f"no executable bundle at {executable}"
    return [str(executable)]


@pytest.fixture
def business(tmp_path, xserver, installed, shopify):  # noqa: F811 - the fixture above
    """A new business's database, set up by its owner from files and the store."""
    env = {**program_env(xserver.display, tmp_path / "home"),
           "OMS_SECRET_WEB_ACCESS_TOKEN": TOKEN}  # the server's way to hold the store's key
    url = f"sqlite:///{tmp_path / 'shop.sqlite3'}"

    def oms(*args: str, who: dict[str, str] = OWNER):
        return cli({**env, **who}, url, *args, program=installed)

    # An empty database; the owner is its first person, so the admin; the company, its bins.
    oms("db", "upgrade", who={})
    oms("users", "add", "owner", "--role", "admin", "--name", "Olive Owner",
        who={"OMS_NEW_PIN": OWNER["OMS_PIN"]})
    oms("setup", "company", "Cork & Clay", "--brand", "Cork")
    oms("setup", "bins", "--csv", str(write_csv(
        tmp_path / "bins.csv", ["Warehouse", "Aisle", "Bin", "Walk"],
        [["MAIN", "A", "A-01", "10"], ["MAIN", "A", "A-02", "20"], ["MAIN", "B", "B-01", "30"]])))
    # The supplier's spreadsheet (kg and cm), then the store brings the poster it lacks.
    oms("setup", "catalogue", "--csv", str(write_csv(
        tmp_path / "catalogue.csv", ["Code", "Title", "EAN", "kg", "L", "W", "H"],
        [["MUG", "Clay mug", MUG, "0.35", "12", "9", "10"]])),
        "--map", "sku=Code,name=Title,barcode=EAN,weight=kg,length=L,width=W,height=H,"
                 "weight_unit=kg,size_unit=cm")
    shopify.add_variant("MUG", product=shopify.add_product("Clay mug"), barcode=MUG,
                        weight=(350, "GRAMS"), price="14.00")
    shopify.add_variant("POSTER", product=shopify.add_product("Poster"), barcode=POSTER,
                        weight=(0.5, "POUNDS"), price="9.00")
    oms("channels", "add", "shopify", "--name", "Web shop", "--code", "web",
        "--setting", f"shop_url={shopify.url}", "--location", "MAIN")
    oms("catalogue", "sync", "web")
    oms("setup", "stock", "--csv", str(write_csv(
        tmp_path / "stock.csv", ["sku", "bin", "qty", "cost"],
        [["MUG", "A-01", "24", "4.10"], ["POSTER", "B-01", "10", "1.50"]])))
    # Its own van for now: the manual carrier for every method.
    oms("shipping", "map", "default", "--carrier", "manual")
    oms("users", "add", "pia", "--role", "packer", "--name", "Pia Packer",
        who={**OWNER, "OMS_NEW_PIN": "2468"})
    return SimpleNamespace(oms=oms, env=env, url=url, folder=tmp_path,
                           records=Records(tmp_path / "shop.sqlite3"))


def test_a_new_business_ships_its_first_order_on_the_installed_program(
        business, shopify, installed):  # noqa: F811
    # The first customer orders a mug and a poster; the sync brings the order in, verified
    # and allocated to the main warehouse.
    placed = shopify.add_order(lines=[("MUG", 1, "14.00"), ("POSTER", 1, "9.00")])
    business.oms("sync", "web")
    business.oms("orders", "verify", "--all")
    business.oms("orders", "allocate", "--all")
    [(shipment,)] = business.records.rows("SELECT id FROM shipments WHERE status = 'assigned'")

    # The packer starts the program from the menu's command and signs in by keyboard.
    station = Station.start(business.url, env=business.env, program=installed,
                            log_path=business.folder / "program.log")
    try:
        sign_in(station, business.records, "Pia", "pia", "2468")
        floor = Floor(station, business)
        floor.press("ctrl+4", "Escape")
        # The order's number (Shift for '#'), then both items' barcodes; F4 packs and prints.
        assert floor.scan(placed["name"])[1:] == ("ok", f"Opened SHP-{shipment}", shipment)
        for code in (MUG, POSTER):
            assert floor.scan(code).result == "ok"
        assert floor.sees(GOOD, "first-order-scanned")
        floor.press("F4")
        assert business.records.wait_for(
            "SELECT status FROM shipments WHERE id = ? AND status = 'packed'", shipment)
        documents = business.folder / "home" / "Documents" / "OMS station"
        label = documents / f"label-SHP-{shipment}.pdf"
        assert wait_until(label.exists, 20), f"no label at {label}\n{station.output()}"
        station.screenshot(business.folder / "first-order-packed.png")
    finally:
        station.stop()

    # The label's barcode reads back as the tracking number the program stored.
    tracking = business.records.value(
        "SELECT tracking_number FROM shipping_labels WHERE shipment_id = ?", shipment)
    page = pdfium.PdfDocument(label.read_bytes())[0].render(scale=203 / 72, grayscale=True)
    assert tracking in {r.text for r in zxingcpp.read_barcodes(page.to_pil())}
