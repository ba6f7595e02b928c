"""The catalogue from the WooCommerce emulator: simple products and a variable product's
variations, weights and sizes from the store's units, GTINs, changed products only."""

from datetime import timedelta

from oms_desktop.connectors.woocommerce import WooCommerceConnector
from tests.connectors.test_woocommerce import woo  # noqa: F401 - fixture
from tests.connectors.woo_emulator import KEY, SECRET


def connector(emu, page_size=20):
    return WooCommerceConnector({"store_url": emu.url, "page_size": page_size},
                                {"consumer_key": KEY, "consumer_secret": SECRET},
                                sleep=lambda s: None)


def everything(c, since=None):
    pages = list(c.fetch_products(since))
    return pages, {p.sku: p for page in pages for p in page.products}


def test_simple_and_variable_products_with_weights_sizes_and_gtins(woo):
    woo.add_product("MUG", name="Clay mug", weight="0.35", dimensions=("12", "9", "10"),
                    gtin="4006381333931", price="14.00", category="Kitchen")
    shirt = woo.add_product("", name="Shirt")
    woo.add_variation(shirt, "SHIRT-S", option="S", weight="0.2")
    woo.add_variation(shirt, "SHIRT-M", option="M", weight="0.25", gtin="5901234123457")
    woo.add_product("", name="No SKU")
    pages, got = everything(connector(woo))
    mug = got["MUG"]
    assert (mug.name, mug.weight_g, mug.length_mm, mug.width_mm, mug.height_mm) == (
        "Clay mug", 350, 120, 90, 100)
    assert (mug.barcodes, str(mug.price), mug.category) == (("4006381333931",), "14.00", "Kitchen")
    assert (got["SHIRT-M"].name, got["SHIRT-M"].weight_g, got["SHIRT-M"].barcodes) == (
        "Shirt - M", 250, ("5901234123457",))
    assert set(got) == {"MUG", "SHIRT-S", "SHIRT-M"}
    assert [f.reason for p in pages for f in p.failures] == [
        "a product without a SKU is not imported"]


def test_a_store_in_pounds_and_inches(woo):
    woo.units = {"woocommerce_weight_unit": "lbs", "woocommerce_dimension_unit": "in"}
    woo.add_product("BOX", weight="2", dimensions=("10", "8", "4"))
    _, got = everything(connector(woo))
    assert (got["BOX"].weight_g, got["BOX"].length_mm, got["BOX"].height_mm) == (907, 254, 102)


def test_many_pages_and_only_what_changed_later(woo):
    for i in range(45):
        woo.add_product(f"P-{i}")
    pages, got = everything(connector(woo, page_size=20))
    assert len(got) == 45 and len(pages) >= 3
    mark = max(p.high_water for p in pages if p.high_water)
    changed = woo.products[91]
    woo.touch_product(changed, seconds=5)
    _, again = everything(connector(woo), mark + timedelta(seconds=1))
    assert set(again) == {"P-0"}
