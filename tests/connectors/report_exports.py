"""Marketplace order reports as sellers' back offices and spreadsheets really write them: Amazon's
tab-delimited order report with every column it has (most of which we do not map), Etsy's and
Flipkart's order CSVs; saved in UTF-8, UTF-8 with a BOM, Excel's "Unicode text" (UTF-16 LE
with a BOM), latin-1 or Windows-1252; with the junk they carry (blank lines, a summary line)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

AMAZON = ["order-id", "order-item-id", "purchase-date", "payments-date", "buyer-email",
          "buyer-name", "buyer-phone-number", "sku", "product-name", "quantity-purchased",
          "currency", "item-price", "item-tax", "shipping-price", "shipping-tax",
          "ship-service-level", "recipient-name", "ship-address-1", "ship-address-2",
          "ship-address-3", "ship-city", "ship-state", "ship-postal-code", "ship-country",
          "ship-phone-number", "delivery-start-date", "delivery-end-date",
          "delivery-time-zone", "delivery-Instructions", "sales-channel", "is-business-order",
          "purchase-order-number", "price-designation"]
ETSY = ["Sale Date", "Item Name", "Buyer", "Quantity", "Price", "Coupon Code", "Coupon Details",
        "Discount Amount", "Shipping Discount", "Order Shipping", "Order Sales Tax",
        "Item Total", "Currency", "Transaction ID", "Listing ID", "Date Paid", "Date Shipped",
        "Ship Name", "Ship Address1", "Ship Address2", "Ship City", "Ship State",
        "Ship Zipcode", "Ship Country", "Order ID", "Variations", "Order Type", "Listings Type",
        "Payment Type", "SKU"]
FLIPKART = ["Ordered On", "Shipment ID", "ORDER ITEM ID", "Order Id", "HSN CODE", "Order State",
            "Order Type", "FSN", "SKU", "Product", "Invoice No.", "Quantity",
            "Selling Price Per Item", "Shipping Charge per item", "Buyer name", "Ship to name",
            "Address Line 1", "Address Line 2", "City", "State", "PIN Code", "Phone No",
            "Order Item ID"]


def amazon_row(order: str, item: str, sku: str = "SKU-1", qty="1", price="12.50", *,
               buyer: str = "Jane Roe", **extra) -> dict:
    row = dict.fromkeys(AMAZON, "")
    row.update({
        "order-id": order, "order-item-id": item, "purchase-date": "2026-11-01T10:04:11+00:00",
        "payments-date": "2026-11-01T10:04:11+00:00",
        "buyer-email": f"{buyer.split()[0].lower()}@marketplace.amazon.com", "buyer-name": buyer,
        "sku": sku, "product-name": f"Trail mug {sku}", "quantity-purchased": str(qty),
        "currency": "USD", "item-price": price, "item-tax": "0.00", "shipping-price": "4.99",
        "shipping-tax": "0.00", "ship-service-level": "Standard", "recipient-name": buyer,
        "ship-address-1": "1 Main St", "ship-city": "Canton", "ship-state": "MI",
        "ship-postal-code": "48817", "ship-country": "US", "sales-channel": "Amazon.com",
        "is-business-order": "false", "price-designation": ""})
    row.update(extra)
    return row


def amazon_orders(n: int, *, start: int = 1, prefix: str = "113-0000000") -> list[dict]:
    return [amazon_row(f"{prefix}-{i:07d}", f"{i:014d}", "SKU-1" if i % 2 else "SKU-2")
            for i in range(start, start + n)]


def table_text(header: list[str], rows: list[dict], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_amazon(path: Path, rows: list[dict], *, encoding: str = "utf-8",
                 junk: bool = False) -> Path:
    """Amazon's report (tab-delimited .txt) in `encoding` ("utf-16" writes Excel's "Unicode
    text": little-endian with a BOM); `junk` adds blank lines and a summary line."""
    text = table_text(AMAZON, rows, "\t")
    if junk:
        text += "\r\n\r\n\t\t\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def etsy_row(order: str, transaction: str, sku: str, qty="1", price="25.00", **extra) -> dict:
    row = dict.fromkeys(ETSY, "")
    row.update({"Sale Date": "11/20/26", "Item Name": f"Hand-thrown mug {sku}", "Buyer": "ana",
                "Quantity": str(qty), "Price": price, "Order Shipping": "5.00",
                "Order Sales Tax": "0", "Item Total": price, "Currency": "EUR",
                "Transaction ID": transaction, "Listing ID": "1234567",
                "Date Paid": "11/20/26", "Ship Name": "Ana Müller",
                "Ship Address1": "Hauptstraße 5",
                "Ship City": "München", "Ship Zipcode": "80331", "Ship Country": "Germany",
                "Order ID": order, "Order Type": "online", "Listings Type": "listing",
                "Payment Type": "online_cc", "SKU": sku})
    row.update(extra)
    return row


def flipkart_row(order: str, item: str, sku: str, qty="1", price="499.00", **extra) -> dict:
    row = dict.fromkeys(FLIPKART, "")
    row.update({"Ordered On": "Nov 20, 2026 10:15:00", "Shipment ID": f"S{item}",
                "ORDER ITEM ID": item, "Order Id": order, "Order State": "APPROVED",
                "Order Type": "Prepaid", "FSN": "MUGFSN0001", "SKU": sku,
                "Product": f"Steel mug {sku}", "Quantity": str(qty),
                "Selling Price Per Item": price, "Shipping Charge per item": "40.00",
                "Buyer name": "Ravi Kumar", "Ship to name": "Ravi Kumar",
                "Address Line 1": "12 MG Road", "City": "Bengaluru", "State": "Karnataka",
                "PIN Code": "560001", "Phone No": "9800000000", "Order Item ID": item})
    row.update(extra)
    return row


def write_csv(path: Path, header: list[str], rows: list[dict], *,
              encoding: str = "utf-8") -> Path:
    path.write_bytes(table_text(header, rows, ",").encode(encoding))
    return path
