"""The catalogue from Shopify: products changed since a moment, oldest change first, each
variant a ProductDTO (SKU, barcode, price, weight converted to grams). Pages are sized to
fit the single-query cost limit with 25 variants a product; a product with more variants has
the rest fetched 100 at a time. Shopify keeps no sizes on variants, so those stay ours."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Iterator

from pydantic import ValidationError

from oms_desktop.connectors import shopify_queries as Q
from oms_desktop.connectors.dto import Failure, ProductDTO, ProductPage
from oms_desktop.connectors.shopify_cost import fit
from oms_desktop.connectors.shopify_graphql import ShopifyGraphQL
from oms_desktop.connectors.shopify_orders import iso, when

VARIANTS_PER_PRODUCT = 25
GRAMS = {"GRAMS": Decimal(1), "KILOGRAMS": Decimal(1000), "OUNCES": Decimal("28.349523125"),
         "POUNDS": Decimal("453.59237")}


def product_pages(gql: ShopifyGraphQL, since: datetime | None, *,
                  most: int = 250) -> Iterator[ProductPage]:
    search = f"updated_at:>='{iso(since)}'" if since else None
    size = max(1, fit(Q.PRODUCTS, {"variants": VARIANTS_PER_PRODUCT}, "first", most=most))
    after, more = None, True
    while more:
        found = gql.data(Q.PRODUCTS, {"first": size, "after": after, "query": search,
                                      "variants": VARIANTS_PER_PRODUCT})["products"]
        nodes = found["nodes"]
        for node in nodes:
            _complete_variants(gql, node)
        yield _page(nodes)
        after, more = found["pageInfo"]["endCursor"], found["pageInfo"]["hasNextPage"]


def _complete_variants(gql: ShopifyGraphQL, node: dict) -> None:
    variants = node["variants"]
    while variants["pageInfo"]["hasNextPage"]:
        extra = gql.data(Q.MORE_VARIANTS, {"id": node["id"],
                                           "after": variants["pageInfo"]["endCursor"]})
        more = extra["product"]["variants"]
        variants["nodes"] = variants["nodes"] + more["nodes"]
        variants["pageInfo"] = more["pageInfo"]


def _page(nodes: list[dict]) -> ProductPage:
    products, failures = [], []
    for node in nodes:
        for variant in node["variants"]["nodes"]:
            if not variant.get("sku"):
                failures.append(Failure(variant, "a variant without a SKU is not imported",
                                        variant.get("id")))
                continue
            try:
                products.append(parse_variant(node, variant))
            except (ValidationError, ValueError, ArithmeticError) as exc:
                failures.append(Failure(variant, f"SKU {variant['sku']}: {exc}",
                                        variant.get("id")))
    high = max((when(n["updatedAt"]) for n in nodes), default=None)
    return ProductPage(products, failures, high)


def parse_variant(product: dict, variant: dict) -> ProductDTO:
    title = variant.get("title") or ""
    name = product["title"] if title in ("", "Default Title") else f"{product['title']} - {title}"
    weight = ((variant.get("inventoryItem") or {}).get("measurement") or {}).get("weight")
    grams = None
    if weight and weight.get("value") is not None:
        grams = int((Decimal(str(weight["value"])) * GRAMS[weight["unit"]])
                    .to_integral_value())
    return ProductDTO(
        sku=variant["sku"].strip(), name=name[:255], external_id=variant["id"],
        barcodes=tuple(b for b in [(variant.get("barcode") or "").strip()] if b),
        price=Decimal(variant["price"]) if variant.get("price") is not None else None,
        weight_g=grams, category=(product.get("productType") or None),
        active=product.get("status") == "ACTIVE", updated_at=when(product["updatedAt"]))
