"""The catalogue from WooCommerce: products changed since a moment (`modified_after`,
`orderby=modified`, walked by keyset like the orders so a product changed during the sync
is not skipped), a variable product's variations from its own endpoint, weights and sizes
converted from the store's units (its settings woocommerce_weight_unit and
woocommerce_dimension_unit) to grams and millimetres, the GTIN from `global_unique_id`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterator

from oms_desktop.connectors.dto import Failure, ProductDTO, ProductPage, describe_error, high_water
from oms_desktop.connectors.woocommerce_orders import gmt
from oms_desktop.plugins.errors import Permanent

GRAMS = {"g": Decimal(1), "kg": Decimal(1000), "lbs": Decimal("453.59237"),
         "oz": Decimal("28.349523125")}
MM = {"mm": Decimal(1), "cm": Decimal(10), "m": Decimal(1000), "in": Decimal("25.4"),
      "yd": Decimal("914.4")}
SECOND = timedelta(seconds=1)

Get = Callable[[str, dict], tuple[Any, int]]  # (JSON, total pages)


def product_pages(get: Get, since: datetime | None, *, per_page: int = 100) -> Iterator[ProductPage]:
    units = _units(get)
    mark, page_no, seen = since, 1, set()
    while True:
        params = {"orderby": "modified", "order": "asc", "per_page": per_page,
                  "page": page_no, "dates_are_gmt": "true"}
        if mark is not None:
            params["modified_after"] = (mark - SECOND).astimezone(timezone.utc) \
                .strftime("%Y-%m-%dT%H:%M:%S")
        raws, pages = get("/products", params)
        fresh = [r for r in raws if (r.get("id"), r.get("date_modified_gmt")) not in seen]
        seen.update((r.get("id"), r.get("date_modified_gmt")) for r in raws)
        page = _page(get, fresh, units)
        yield page
        if page_no >= pages or not raws:
            return
        if page.high_water is not None and (mark is None or page.high_water > mark):
            mark, page_no = page.high_water, 1
        else:
            page_no += 1


def _units(get: Get) -> tuple[Decimal, Decimal]:
    """The store's weight and size units; WooCommerce's defaults (kg, cm) where the store does
    not say."""
    return (GRAMS.get(_setting(get, "woocommerce_weight_unit"), GRAMS["kg"]),
            MM.get(_setting(get, "woocommerce_dimension_unit"), MM["cm"]))


def _setting(get: Get, name: str) -> str | None:
    try:
        found, _ = get(f"/settings/products/{name}", {})
    except Permanent:
        return None
    return found.get("value") if isinstance(found, dict) else None


def _page(get: Get, raws: list[dict], units) -> ProductPage:
    page = ProductPage([], [], high_water(*(gmt(r.get("date_modified_gmt")) for r in raws)))
    for raw in raws:
        items = [raw]
        if raw.get("type") == "variable":
            items = [{**v, "_parent": raw} for v in _variations(get, raw["id"])]
        for item in items:
            if not item.get("sku"):
                page.failures.append(Failure(item, "a product without a SKU is not imported",
                                             str(item.get("id"))))
                continue
            try:
                page.products.append(parse_product(item, units))
            except Exception as exc:  # noqa: BLE001 - kept with its reason
                page.failures.append(Failure(item, f"SKU {item['sku']}: {describe_error(exc)}",
                                             str(item.get("id"))))
    return page


def _variations(get: Get, product_id: int) -> list[dict]:
    found, page_no, pages = [], 1, 1
    while page_no <= pages:
        raws, pages = get(f"/products/{product_id}/variations",
                          {"per_page": 100, "page": page_no})
        found += raws
        page_no += 1
    return found


def parse_product(raw: dict, units) -> ProductDTO:
    grams, mm = units
    parent = raw.get("_parent")
    dims = raw.get("dimensions") or {}
    name = raw.get("name") or ""
    if parent is not None:
        options = ", ".join(a.get("option", "") for a in raw.get("attributes") or ())
        name = f"{parent.get('name')} - {options}" if options else parent.get("name", "")
    categories = (parent or raw).get("categories") or ()
    return ProductDTO(
        sku=raw["sku"].strip(), name=name[:255], external_id=str(raw["id"]),
        barcodes=tuple(b for b in [(raw.get("global_unique_id") or "").strip()] if b),
        price=_decimal(raw.get("price")), weight_g=_scaled(raw.get("weight"), grams),
        length_mm=_scaled(dims.get("length"), mm), width_mm=_scaled(dims.get("width"), mm),
        height_mm=_scaled(dims.get("height"), mm),
        category=(categories[0].get("name")[:64] if categories else None),
        active=(parent or raw).get("status", "publish") == "publish",
        updated_at=gmt(raw.get("date_modified_gmt") or (parent or {}).get("date_modified_gmt")))


def _decimal(text) -> Decimal | None:
    if text in (None, ""):
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None


def _scaled(text, factor: Decimal) -> int | None:
    value = _decimal(text)
    return None if value is None else int((value * factor).to_integral_value())
