import pytest

from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import Actor, Role
from oms_desktop.services.inventory import views
from oms_desktop.services.inventory import stock
from tests.factories import small_world

PACKER = Actor("pat", Role.packer)


@pytest.fixture
def world(db):
    small_world(db)
    stock.receive(db, actor=PACKER, sku="SKU-1", location="WH1-A-01", quantity=10)
    stock.receive(db, actor=PACKER, sku="SKU-1", location="WH1-A-02", quantity=4)
    stock.receive(db, actor=PACKER, sku="SKU-2", location="WH1-A-02", quantity=7)
    stock.receive(db, actor=PACKER, sku="SKU-2", location="STORE1", quantity=5)
    stock.reserve(db, actor=PACKER, sku="SKU-1", location="WH1-A-01", quantity=3)
    return db


def _find(nodes, code):
    for node in nodes:
        if node.code == code:
            return node
        found = _find(node.children, code)
        if found:
            return found
    return None


def test_the_tree_sums_stock_over_every_descendant(world):
    tree = views.location_tree(world, actor=PACKER)
    assert [n.code for n in tree] == ["ORG"]
    org, wh, zone = (_find(tree, c) for c in ("ORG", "WH1", "WH1-A"))
    assert (zone.on_hand, zone.reserved, zone.available) == (21, 3, 18)
    assert (wh.on_hand, wh.reserved) == (21, 3)
    assert (org.on_hand, org.reserved, org.available) == (26, 3, 23)
    assert _find(tree, "WH1-A-03").on_hand == 0


def test_virtual_locations_stay_out_of_the_tree(world):
    tree = views.location_tree(world, actor=PACKER)
    assert _find(tree, "SUPPLIER") is None and _find(tree, "INVENTORY") is None


def test_the_sku_view_lists_each_location_of_a_product_found_by_barcode(world):
    view = views.sku_view(world, actor=PACKER, code="4006381333931")
    assert view.sku == "SKU-1" and view.barcodes == ("4006381333931",)
    assert [(r.location, r.site, r.on_hand, r.reserved, r.available) for r in view.rows] == [
        ("WH1-A-01", "WH1", 10, 3, 7), ("WH1-A-02", "WH1", 4, 0, 4)]
    assert (view.on_hand, view.available) == (14, 11)


def test_an_unknown_code_is_a_clear_not_found(world):
    with pytest.raises(NotFound, match="NOPE"):
        views.sku_view(world, actor=PACKER, code="NOPE")


def test_location_contents_cover_the_location_and_below(world):
    rows = views.location_contents(world, actor=PACKER, code="WH1-A")
    assert [(r.location, r.sku, r.on_hand) for r in rows] == [
        ("WH1-A-01", "SKU-1", 10), ("WH1-A-02", "SKU-1", 4), ("WH1-A-02", "SKU-2", 7)]


def test_product_search_matches_sku_or_name_prefix_in_any_case(world):
    assert [h.sku for h in views.search_products(world, actor=PACKER, text="sku")] == [
        "SKU-1", "SKU-2"]
    [hit] = views.search_products(world, actor=PACKER, text="camp sp")
    assert (hit.sku, hit.on_hand, hit.available) == ("SKU-2", 12, 12)
    assert views.search_products(world, actor=PACKER, text="%") == []
    [by_barcode] = views.search_products(world, actor=PACKER, text="036000291452")
    assert by_barcode.sku == "SKU-2"


def test_a_receiving_scan_chooses_the_bin_then_counts_units(world):
    first = views.receive_scan(world, actor=PACKER, code="WH1-A-03", location=None)
    assert first.scanned.kind == "location" and first.row is None
    second = views.receive_scan(world, actor=PACKER, code="036000291452", location="WH1-A-03")
    assert (second.row.sku, second.row.on_hand) == ("SKU-2", 1)
    assert stock.reconcile(world) == []


def test_a_product_scan_before_any_bin_is_refused(world):
    with pytest.raises(ValidationError, match="Scan a bin first"):
        views.receive_scan(world, actor=PACKER, code="SKU-1", location=None)
    with pytest.raises(ValidationError, match="scan a bin"):
        views.receive_scan(world, actor=PACKER, code="ORG", location=None)


