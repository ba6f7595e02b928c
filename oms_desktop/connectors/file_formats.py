"""Column presets for marketplace order reports and their tracking upload files. Column names
are those of the sellers' exports as commonly documented (Amazon's tab-delimited order report
and shipping-confirmation flat file; Flipkart's and Etsy's order CSVs); they were written from
public descriptions, not from a live account, so every preset can be overridden by a saved
column mapping in the channel settings."""

from __future__ import annotations

FIELDS = ("order_id", "line_id", "placed_at", "email", "buyer_name", "sku", "name", "quantity",
          "price", "tax", "shipping", "currency", "ship_name", "line1", "line2", "city",
          "region", "postal_code", "country", "phone", "service", "status")
REQUIRED = ("order_id", "sku", "quantity", "price")

PRESETS: dict[str, dict] = {
    "amazon": {
        "delimiter": "\t", "price_is_line_total": True, "date_formats": (),
        "columns": {
            "order_id": "order-id", "line_id": "order-item-id", "placed_at": "purchase-date",
            "email": "buyer-email", "buyer_name": "buyer-name", "sku": "sku",
            "name": "product-name", "quantity": "quantity-purchased", "price": "item-price",
            "tax": "item-tax", "shipping": "shipping-price", "currency": "currency",
            "ship_name": "recipient-name", "line1": "ship-address-1", "line2": "ship-address-2",
            "city": "ship-city", "region": "ship-state", "postal_code": "ship-postal-code",
            "country": "ship-country", "phone": "ship-phone-number",
            "service": "ship-service-level"},
        "tracking": {"delimiter": "\t", "columns": (
            "order-id", "order-item-id", "quantity", "ship-date", "carrier-code",
            "carrier-name", "tracking-number", "ship-method")},
    },
    "flipkart": {
        "delimiter": ",", "price_is_line_total": False, "date_formats": ("%b %d, %Y %H:%M:%S",),
        "columns": {
            "order_id": "Order Id", "line_id": "Order Item ID", "placed_at": "Ordered On",
            "sku": "SKU", "name": "Product", "quantity": "Quantity",
            "price": "Selling Price Per Item", "shipping": "Shipping Charge per item",
            "buyer_name": "Buyer name", "ship_name": "Ship to name",
            "line1": "Address Line 1", "line2": "Address Line 2", "city": "City",
            "region": "State", "postal_code": "PIN Code", "phone": "Phone No"},
        "defaults": {"currency": "INR", "country": "IN"},
        "tracking": {"delimiter": ",", "columns": (
            "Order Item ID", "Tracking ID", "Courier Name", "Quantity", "Dispatch Date")},
    },
    "etsy": {
        "delimiter": ",", "price_is_line_total": False, "date_formats": ("%m/%d/%y", "%m/%d/%Y"),
        "columns": {
            "order_id": "Order ID", "line_id": "Transaction ID", "placed_at": "Sale Date",
            "buyer_name": "Buyer", "sku": "SKU", "name": "Item Name", "quantity": "Quantity",
            "price": "Price", "currency": "Currency", "ship_name": "Ship Name",
            "line1": "Ship Address1", "line2": "Ship Address2", "city": "Ship City",
            "region": "Ship State", "postal_code": "Ship Zipcode", "country": "Ship Country",
            "shipping": "Order Shipping", "tax": "Order Sales Tax"},
        "tracking": {"delimiter": ",", "columns": (
            "Order ID", "Transaction ID", "Quantity", "Carrier", "Tracking Number", "Ship Date")},
    },
}

# Exports that spell the country out (Etsy) are mapped to ISO codes.
COUNTRY_NAMES = {
    "united states": "US", "usa": "US", "canada": "CA", "united kingdom": "GB", "uk": "GB",
    "germany": "DE", "france": "FR", "india": "IN", "australia": "AU", "netherlands": "NL",
    "ireland": "IE", "spain": "ES", "italy": "IT", "japan": "JP", "new zealand": "NZ",
    "switzerland": "CH", "sweden": "SE", "austria": "AT", "belgium": "BE", "mexico": "MX",
}
