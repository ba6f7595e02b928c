"""The catalogue from the strict Shopify emulator: every variant with its barcode, price and
weight in grams, pages that fit the 1,000-point query limit, products with many variants
completed, and only what changed after the last sync asked for again."""

from datetime import timedelta

from oms_desktop.connectors.shopify import ShopifyConnector
from tests.connectors.shopify_emulator import TOKEN


def connector(emu):
    return ShopifyConnector({"shop_url": emu.url, "location_id": emu.location_id},
                            {"access_token": TOKEN})


def test_variants_come_with_barcodes_prices_and_weights_in_grams(shop):
    mug = shop.add_product("Mug", product_type="Kitchen")
    shop.add_variant("MUG-BLUE", product=mug, title="Blue", barcode="4006381333931",
                     weight=(0.35, "KILOGRAMS"), price="8.50")
    shop.add_variant("MUG-RED", product=mug, title="Red", weight=(12, "OUNCES"))
    shop.add_variant("POSTER", product=shop.add_product("Poster"), weight=(1.5, "POUNDS"),
                     title="Default Title")
    shop.add_variant("", product=mug, title="No SKU")
    pages = list(connector(shop).fetch_products(None))
    got = {p.sku: p for page in pages for p in page.products}
    blue = got["MUG-BLUE"]
    assert (blue.name, blue.barcodes, str(blue.price), blue.weight_g, blue.category) == (
        "Mug - Blue", ("4006381333931",), "8.50", 350, "Kitchen")
    assert got["MUG-RED"].weight_g == 340 and got["MUG-RED"].barcodes == ()
    assert got["POSTER"].weight_g == 680 and got["POSTER"].name == "Poster"
    [failure] = [f for page in pages for f in page.failures]
    assert "without a SKU" in failure.reason


def test_a_large_catalogue_is_paged_within_the_cost_limit(shop):
    for i in range(30):
        product = shop.add_product(f"Shirt {i}")
        for size in ("S", "M", "L"):
            shop.add_variant(f"SHIRT-{i}-{size}", product=product, title=size)
    big = shop.add_product("Many sizes")
    for i in range(60):
        shop.add_variant(f"BIG-{i}", product=big, title=str(i))
    pages = list(connector(shop).fetch_products(None))
    skus = [p.sku for page in pages for p in page.products]
    assert len(skus) == len(set(skus)) == 90 + 60, "every variant once, the 60 of one product too"
    assert len(pages) > 1, "more products than one query may ask for"
    costs = [e["cost"] for e in shop.log]
    assert max(costs) <= 1000 and max(costs) > 500, "pages as large as the limit allows"


def test_only_products_changed_since_the_last_sync_come_again(shop):
    old = shop.add_product("Old")
    shop.add_variant("OLD-1", product=old)
    [page] = list(connector(shop).fetch_products(None))
    new = shop.add_product("New")
    shop.add_variant("NEW-1", product=new)
    shop.touch_product(new, seconds=5)
    later = list(connector(shop).fetch_products(page.high_water + timedelta(seconds=1)))
    assert [p.sku for pg in later for p in pg.products] == ["NEW-1"]
