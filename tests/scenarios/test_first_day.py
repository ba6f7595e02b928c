"""A new business's first day: from an empty database to its first order packed and labelled,
set up from its own files and its Shopify store (the strict emulator)."""

import pypdfium2 as pdfium
import zxingcpp

from oms_desktop.model import Actor, Role
from oms_desktop.services import settings, setup_status
from oms_desktop.services.channels import catalogue, sync
from oms_desktop.services.channels import setup as channels
from oms_desktop.services.floor import packing
from oms_desktop.services.inventory import catalog_import, site_import, stock
from oms_desktop.services.orders import allocation, pipeline
from oms_desktop.services.orders import views as orders
from oms_desktop.services.shipping import labels
from oms_desktop.services.users import accounts
from tests.connectors.conftest import memory_keyring, shopify  # noqa: F401 - fixtures
from tests.connectors.shopify_emulator import TOKEN
from tests.integration.test_catalogue_import import write_csv

OWNER = Actor("owner", Role.admin, station="OFFICE")
PACKER = Actor("pia", Role.packer, station="PACK-1")
MUG, POSTER = "4006381333931", "5901234123457"


def test_a_new_business_sets_up_from_files_and_its_store_and_ships_its_first_order(
        db, shopify, memory_keyring, tmp_path):
    # The owner installs the program; the database is empty and everything is still to do.
    accounts.create_first_admin(db, username="owner", display_name="Olive Owner", secret="1357")
    assert {s.key for s in setup_status.missing_steps(db)} >= {
        "company", "sites", "catalogue", "stock", "channels"}
    setup_status.set_company(db, actor=OWNER, name="Cork & Clay", brands=("Cork", "Clay"))

    # Bins from the shelf plan, with the order a picker walks them.
    bins = write_csv(tmp_path / "bins.csv", ["Warehouse", "Aisle", "Bin", "Walk"],
                     [["MAIN", "A", "A-01", "10"], ["MAIN", "A", "A-02", "20"],
                      ["MAIN", "B", "B-01", "30"]])
    assert site_import.import_bins(db, actor=OWNER, path=bins).rejected == 0

    # The catalogue from the supplier's spreadsheet: weights in kg, sizes in cm, a gift kit.
    sheet = write_csv(tmp_path / "catalogue.csv",
                      ["Code", "Title", "EAN", "kg", "L", "W", "H", "Kit"],
                      [["MUG", "Clay mug", MUG, "0.35", "12", "9", "10", ""],
                       ["COASTER", "Cork coaster", "", "0.02", "10", "10", "0.5", ""],
                       ["GIFT", "Mug and coasters", "", "0.4", "20", "15", "12",
                        "MUG|COASTER:2"]])
    mapping = {"sku": "Code", "name": "Title", "barcode": "EAN", "weight": "kg",
               "length": "L", "width": "W", "height": "H", "components": "Kit",
               "weight_unit": "kg", "size_unit": "cm"}
    catalog_import.save_mapping(db, actor=OWNER, name="supplier", mapping=mapping)
    imported = catalog_import.import_catalogue(
        db, actor=OWNER, path=sheet, mapping=catalog_import.mapping_named(db, "supplier"))
    assert (imported.created, imported.rejected) == (3, 0)

    # The store is connected; its catalogue brings the poster the spreadsheet lacked, with
    # its barcode and weight, and agrees with the mug the spreadsheet brought.
    shopify.add_variant("MUG", product=shopify.add_product("Clay mug"), barcode=MUG,
                        weight=(350, "GRAMS"), price="14.00")
    shopify.add_variant("POSTER", product=shopify.add_product("Poster"), barcode=POSTER,
                        weight=(0.5, "POUNDS"), price="9.00")
    channels.save_channel(db, actor=OWNER, kind="shopify", name="Web shop", code="web",
                          values={"shop_url": shopify.url, "access_token": TOKEN},
                          locations=["MAIN"])
    brought = catalogue.sync_catalogue(db, actor=OWNER, code="web")
    assert (brought.status, brought.created, brought.failed) == ("ok", 1, 0)

    # Opening stock from the count sheet, with what each unit cost.
    counted = write_csv(tmp_path / "stock.csv", ["sku", "bin", "qty", "cost"],
                        [["MUG", "A-01", "24", "4.10"], [POSTER, "B-01", "10", "1.50"],
                         ["COASTER", "A-02", "100", "0.30"]])
    assert site_import.import_stock(db, actor=OWNER, path=counted).saved == 3
    settings.write(db, actor=OWNER, key="carrier.manual", value={"services": [
        {"service": "Parcel", "amount": "4.90", "days": 2}]})

    # The first customer orders a mug and a poster; the sync brings the order in.
    placed = shopify.add_order(lines=[("MUG", 1, "14.00"), ("POSTER", 1, "9.00")])
    result = sync.sync_orders(db, actor=OWNER, code="web")
    assert (result.status, result.created) == ("ok", 1)
    order_id = orders.get_order(db, placed["name"]).summary.id

    # Verified and allocated to the main warehouse, where the stock is.
    [verified] = pipeline.verify_orders(db, actor=OWNER, order_ids=[order_id]).results
    assert verified.status == "verified", verified.holds
    [allocated] = allocation.allocate_orders(db, actor=OWNER, order_ids=[order_id]).results
    [shipment] = allocated.shipments
    assert shipment.location == "MAIN" and shipment.status == "assigned"

    # The packer scans both barcodes the catalogue knows and closes the parcel.
    opened = packing.open_shipment(db, actor=PACKER, value=placed["name"])
    for code in (MUG, POSTER):
        assert packing.scan_item(db, actor=PACKER, shipment_id=opened.shipment_id,
                                 value=code).ok
    packed = packing.complete(db, actor=PACKER, shipment_id=opened.shipment_id, weight_g=650)
    assert packed.status == "packed"

    # The label: its barcode reads back as the tracking number.
    label = labels.create_label(db, actor=PACKER, shipment_id=opened.shipment_id)
    page = pdfium.PdfDocument(label.content)[0].render(scale=203 / 72, grayscale=True)
    read = {r.text for r in zxingcpp.read_barcodes(page.to_pil())}
    assert label.tracking_number in read

    # The books balance, and the dashboard's checklist shows only what is still to do.
    assert stock.reconcile(db) == []
    assert {s.key for s in setup_status.missing_steps(db)} == {
        "carriers", "boxes", "printers", "email", "users"}
