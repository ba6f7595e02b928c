"""One face for the marketplace emulators, so the same proofs run against each connector:
add, edit, cancel and break orders, refuse credentials, storm with 429s, read back what
was pushed. Each platform builds its connector on its emulator's clock (waits cost no time)."""

from __future__ import annotations

from datetime import datetime

from oms_desktop.connectors.amazon import AmazonConnector
from oms_desktop.connectors.bigcommerce import BigCommerceConnector
from oms_desktop.connectors.etsy import EtsyConnector
from oms_desktop.connectors.flipkart import FlipkartConnector
from oms_desktop.connectors.magento import MagentoConnector
from oms_desktop.connectors.square import SquareConnector
from oms_desktop.model import SYSTEM
from oms_desktop.services.channels import setup as channels
from tests.connectors import amazon_emulator as amz
from tests.connectors import bigcommerce_emulator as bc
from tests.connectors import etsy_emulator as etsy
from tests.connectors import flipkart_emulator as fk
from tests.connectors import magento_emulator as mg
from tests.connectors import square_emulator as sqe
from tests.connectors.amazon_store import usd


class AmazonPlatform:
    kind = "amazon"
    storm_calls = 12  # 429s in a row the connector must ride out

    def __init__(self, **emulator):
        self.emu = amz.AmazonEmulator(**emulator).start()

    def stop(self) -> None:
        self.emu.stop()

    def values(self, **extra) -> dict:
        return {"endpoint": self.emu.url, "token_url": self.emu.url + "/auth/o2/token",
                "client_id": amz.CLIENT_ID, "seller_id": amz.SELLER_ID, "page_size": 10,
                "client_secret": amz.CLIENT_SECRET, "refresh_token": amz.REFRESH_TOKEN, **extra}

    def connector(self, **extra) -> AmazonConnector:
        values = self.values(**extra)
        secrets = {k: values.pop(k) for k in ("client_secret", "refresh_token")}
        return AmazonConnector(values, secrets, sleep=self.emu.clock.advance,
                               clock=self.emu.clock.now)

    def add_order(self, lines, *, at: datetime | None = None, **kw) -> dict:
        return self.emu.add_order(lines=lines, updated=at, **kw)

    def external_id(self, order: dict) -> str:
        return order["AmazonOrderId"]

    def orders(self) -> list[dict]:
        return list(self.emu.orders.values())

    def lines(self, order: dict) -> list[tuple[str, int]]:
        return [(i["SellerSKU"], i["QuantityOrdered"]) for i in order["_items"]]

    def cancelled(self, order: dict) -> bool:
        return order["OrderStatus"] == "Canceled"

    def line_ids(self, order: dict) -> list[str]:
        return [i["OrderItemId"] for i in order["_items"]]

    def edit(self, order: dict, lines) -> None:
        self.emu.set_lines(order, lines)
        self.emu.touch(order)

    def cancel(self, order: dict) -> None:
        self.emu.cancel(order)

    def malform(self, order: dict) -> None:
        order["_items"][0]["ItemPrice"] = {"CurrencyCode": "USD", "Amount": "12,50"}
        self.emu.touch(order)

    def heal(self, order: dict) -> None:
        order["_items"][0]["ItemPrice"] = usd(12.5 * order["_items"][0]["QuantityOrdered"])
        self.emu.touch(order)

    def wrong_secret(self) -> dict:
        return {"refresh_token": "Atzr|not-the-token"}

    def storm(self, calls: int) -> None:
        self.emu.storm = calls

    def list_sku(self, sku: str, quantity: int) -> None:
        self.emu.listings[sku] = quantity

    def listed(self, sku: str) -> int | None:
        return self.emu.listings.get(sku)

    def tracking(self, order: dict, ours: str) -> str:
        """The tracking number the marketplace shows for a parcel we shipped with `ours`."""
        return ours

    def shipped(self, order: dict) -> list[tuple[str, str, int]]:
        """(tracking number, line id, quantity) the marketplace holds for the order."""
        return [(c["trackingNumber"], i["orderItemId"], i["quantity"])
                for c in self.emu.confirmations if c["order"] == order["AmazonOrderId"]
                for i in c["orderItems"]]


class EtsyPlatform:
    kind = "etsy"
    storm_calls = 12

    def __init__(self, **emulator):
        self.emu = etsy.EtsyEmulator(**emulator).start()

    def stop(self) -> None:
        self.emu.stop()

    def values(self, **extra) -> dict:
        return {"api_url": self.emu.url, "token_url": self.emu.url + "/v3/public/oauth/token",
                "shop_id": str(etsy.SHOP_ID), "keystring": etsy.KEYSTRING, "page_size": 10,
                "shared_secret": etsy.SHARED_SECRET,
                "refresh_token": next(iter(self.emu.refresh_tokens)), **extra}

    def connector(self, **extra) -> EtsyConnector:
        values = self.values(**extra)
        secrets = {k: values.pop(k) for k in ("shared_secret", "refresh_token")}
        connector = EtsyConnector(values, secrets, sleep=self.emu.clock.advance,
                                  clock=self.emu.clock.now)
        return connector

    def add_order(self, lines, *, at: datetime | None = None) -> dict:
        return self.emu.add_receipt(lines, updated=at)

    def external_id(self, order: dict) -> str:
        return str(order["receipt_id"])

    def orders(self) -> list[dict]:
        return list(self.emu.receipts.values())

    def lines(self, order: dict) -> list[tuple[str, int]]:
        return [(t["sku"], t["quantity"]) for t in order["transactions"]]

    def cancelled(self, order: dict) -> bool:
        return order["status"] == "canceled"

    def line_ids(self, order: dict) -> list[str]:
        return [str(t["transaction_id"]) for t in order["transactions"]]

    def edit(self, order: dict, lines) -> None:
        self.emu.set_lines(order, lines)
        self.emu.touch(order)

    def cancel(self, order: dict) -> None:
        order["status"] = "canceled"
        self.emu.touch(order)

    def malform(self, order: dict) -> None:
        order["transactions"][0]["price"]["amount"] = "12,50"
        self.emu.touch(order)

    def heal(self, order: dict) -> None:
        order["transactions"][0]["price"]["amount"] = 1250
        self.emu.touch(order)

    def wrong_secret(self) -> dict:
        return {"shared_secret": "not-the-secret"}

    def storm(self, calls: int) -> None:
        self.emu.storm = calls

    def list_sku(self, sku: str, quantity: int) -> None:
        self.emu.add_listing(sku, quantity)

    def listed(self, sku: str) -> int | None:
        return self.emu.quantity(sku)

    def tracking(self, order: dict, ours: str) -> str:
        return ours

    def shipped(self, order: dict) -> list[tuple[str, str, int]]:
        """Etsy tracks whole receipts: every line ships with the receipt's tracking."""
        return [(s["tracking_code"], str(t["transaction_id"]), t["quantity"])
                for s in order["shipments"] for t in order["transactions"]]


class FlipkartPlatform:
    kind = "flipkart"
    storm_calls = 12

    def __init__(self, **emulator):
        self.emu = fk.FlipkartEmulator(**emulator).start()

    def stop(self) -> None:
        self.emu.stop()

    def values(self, **extra) -> dict:
        return {"api_url": self.emu.url, "app_id": fk.APP_ID, "app_secret": fk.APP_SECRET,
                "location_id": fk.LOCATION, "page_size": 10, "fsn_by_sku": dict(self.emu.fsn),
                **extra}

    def connector(self, **extra) -> FlipkartConnector:
        values = self.values(**extra)
        secrets = {"app_secret": values.pop("app_secret")}
        return FlipkartConnector(values, secrets, sleep=self.emu.clock.advance,
                                 clock=self.emu.clock.now)

    def add_order(self, lines, *, at: datetime | None = None, **kw) -> dict:
        return self.emu.add_shipment(lines, updated=at, **kw)

    def external_id(self, order: dict) -> str:
        return order["shipmentId"]

    def orders(self) -> list[dict]:
        return list(self.emu.shipments.values())

    def lines(self, order: dict) -> list[tuple[str, int]]:
        return [(i["sku"], i["quantity"]) for i in order["orderItems"]]

    def cancelled(self, order: dict) -> bool:
        return order["state"] == "CANCELLED"

    def line_ids(self, order: dict) -> list[str]:
        return [i["orderItemId"] for i in order["orderItems"]]

    def edit(self, order: dict, lines) -> None:
        self.emu.set_lines(order, lines)
        self.emu.touch(order)

    def cancel(self, order: dict) -> None:
        self.emu.set_state(order, "CANCELLED")

    def malform(self, order: dict) -> None:
        order["orderItems"][0]["priceComponents"]["sellingPrice"] = "12,50"
        self.emu.touch(order)

    def heal(self, order: dict) -> None:
        order["orderItems"][0]["priceComponents"]["sellingPrice"] = 12.5
        self.emu.touch(order)

    def wrong_secret(self) -> dict:
        return {"app_secret": "not-the-secret"}

    def storm(self, calls: int) -> None:
        self.emu.storm = calls

    def list_sku(self, sku: str, quantity: int) -> None:
        self.emu.fsn[sku] = f"FSN{sku.replace('-', '')}{len(self.emu.fsn):08d}"[:16]
        self.emu.stock[sku] = quantity

    def listed(self, sku: str) -> int | None:
        return self.emu.stock.get(sku)

    def tracking(self, order: dict, ours: str) -> str:
        """Flipkart's courier carries the parcel under Flipkart's own tracking id."""
        return order["_tracking"]

    def shipped(self, order: dict) -> list[tuple[str, str, int]]:
        if order["state"] != "READY_TO_DISPATCH":
            return []
        return [(order["_tracking"], i["orderItemId"], i["quantity"]) for i in order["orderItems"]]


PLATFORMS = {"amazon": AmazonPlatform, "etsy": EtsyPlatform, "flipkart": FlipkartPlatform}


def add_channel(db, platform, *, code: str | None = None, locations=("WH1",), **extra) -> str:
    code = code or platform.kind
    channels.save_channel(db, actor=SYSTEM, kind=platform.kind, name=code, code=code,
                          values=platform.values(**extra), locations=list(locations))
    return code


class BigCommercePlatform:
    kind = "bigcommerce"
    storm_calls = 12

    def __init__(self, **emulator):
        self.emu = bc.BigCommerceEmulator(**emulator).start()

    def stop(self) -> None:
        self.emu.stop()

    def values(self, **extra) -> dict:
        return {"api_url": self.emu.url, "store_hash": bc.STORE_HASH,
                "access_token": bc.TOKEN, "page_size": 10, **extra}

    def connector(self, **extra) -> BigCommerceConnector:
        values = self.values(**extra)
        secrets = {"access_token": values.pop("access_token")}
        return BigCommerceConnector(values, secrets, sleep=self.emu.clock.advance,
                                    clock=self.emu.clock.now)

    def add_order(self, lines, *, at: datetime | None = None, **kw) -> dict:
        return self.emu.add_order(lines, updated=at, **kw)

    def external_id(self, order: dict) -> str:
        return str(order["id"])

    def orders(self) -> list[dict]:
        return list(self.emu.orders.values())

    def lines(self, order: dict) -> list[tuple[str, int]]:
        return [(p["sku"], p["quantity"]) for p in order["_products"]]

    def cancelled(self, order: dict) -> bool:
        return order["status_id"] == 5

    def line_ids(self, order: dict) -> list[str]:
        return [str(p["id"]) for p in order["_products"]]

    def edit(self, order: dict, lines) -> None:
        self.emu.set_lines(order, lines)
        self.emu.touch(order)

    def cancel(self, order: dict) -> None:
        self.emu.set_status(order, 5)

    def malform(self, order: dict) -> None:
        order["_products"][0]["price_ex_tax"] = "12,50"
        self.emu.touch(order)

    def heal(self, order: dict) -> None:
        order["_products"][0]["price_ex_tax"] = "12.5000"
        self.emu.touch(order)

    def wrong_secret(self) -> dict:
        return {"access_token": "not-the-token"}

    def storm(self, calls: int) -> None:
        self.emu.storm = calls

    def list_sku(self, sku: str, quantity: int) -> None:
        self.emu.list_sku(sku, quantity)

    def listed(self, sku: str) -> int | None:
        return self.emu.stock.get(sku, {}).get(1)

    def tracking(self, order: dict, ours: str) -> str:
        return ours

    def shipped(self, order: dict) -> list[tuple[str, str, int]]:
        return [(s["tracking_number"], str(i["order_product_id"]), i["quantity"])
                for s in order["_shipments"] for i in s["items"]]


PLATFORMS["bigcommerce"] = BigCommercePlatform


class MagentoPlatform:
    kind = "magento"
    storm_calls = 12

    def __init__(self, **emulator):
        self.emu = mg.MagentoEmulator(**emulator).start()

    def stop(self) -> None:
        self.emu.stop()

    def values(self, **extra) -> dict:
        return {"base_url": self.emu.url, "access_token": mg.TOKEN, "page_size": 10, **extra}

    def connector(self, **extra) -> MagentoConnector:
        values = self.values(**extra)
        secrets = {"access_token": values.pop("access_token")}
        return MagentoConnector(values, secrets, sleep=self.emu.clock.advance,
                                clock=self.emu.clock.now)

    def add_order(self, lines, *, at: datetime | None = None) -> dict:
        return self.emu.add_order(lines, updated=at)

    def external_id(self, order: dict) -> str:
        return str(order["entity_id"])

    def orders(self) -> list[dict]:
        return list(self.emu.orders.values())

    def lines(self, order: dict) -> list[tuple[str, int]]:
        return [(i["sku"], i["qty_ordered"]) for i in order["items"]]

    def cancelled(self, order: dict) -> bool:
        return order["state"] == "canceled"

    def line_ids(self, order: dict) -> list[str]:
        return [str(i["item_id"]) for i in order["items"]]

    def edit(self, order: dict, lines) -> None:
        self.emu.set_lines(order, lines)
        self.emu.touch(order)

    def cancel(self, order: dict) -> None:
        self.emu.cancel(order)

    def malform(self, order: dict) -> None:
        order["items"][0]["price"] = "12,50"
        self.emu.touch(order)

    def heal(self, order: dict) -> None:
        order["items"][0]["price"] = 12.5
        self.emu.touch(order)

    def wrong_secret(self) -> dict:
        return {"access_token": "not-the-token"}

    def storm(self, calls: int) -> None:
        self.emu.storm = calls

    def list_sku(self, sku: str, quantity: int) -> None:
        self.emu.list_sku(sku, quantity)

    def listed(self, sku: str) -> int | None:
        item = self.emu.source_items.get((sku, "default"))
        return None if item is None else item["quantity"]

    def tracking(self, order: dict, ours: str) -> str:
        return ours

    def shipped(self, order: dict) -> list[tuple[str, str, int]]:
        return [(t["track_number"], str(i["order_item_id"]), i["qty"])
                for s in self.emu.shipments if s["order_id"] == order["entity_id"]
                for t in s["tracks"] for i in s["items"]]


PLATFORMS["magento"] = MagentoPlatform


class SquarePlatform:
    """Square's online orders to ship: the proofs every channel gives. (The till's own sales,
    pickups and returns: tests/connectors/test_square.py and tests/scenarios.)"""

    kind = "square"
    storm_calls = 12

    def __init__(self, **emulator):
        self.emu = sqe.SquareEmulator(**emulator).start()

    def stop(self) -> None:
        self.emu.stop()

    def values(self, **extra) -> dict:
        return {"api_url": self.emu.url, "access_token": sqe.TOKEN,
                "location_id": sqe.LOCATION, "store": "STORE1", "page_size": 10, **extra}

    def connector(self, **extra) -> SquareConnector:
        values = self.values(**extra)
        secrets = {"access_token": values.pop("access_token")}
        return SquareConnector(values, secrets, sleep=self.emu.clock.advance,
                               clock=self.emu.clock.now)

    def add_order(self, lines, *, at: datetime | None = None) -> dict:
        return self.emu.add_order(lines, updated=at)

    def external_id(self, order: dict) -> str:
        return order["id"]

    def orders(self) -> list[dict]:
        return list(self.emu.orders.values())

    def lines(self, order: dict) -> list[tuple[str, int]]:
        return [(self.emu.variations[l["catalog_object_id"]], int(l["quantity"]))
                for l in order["line_items"]]

    def cancelled(self, order: dict) -> bool:
        return order["state"] == "CANCELED"

    def line_ids(self, order: dict) -> list[str]:
        return [l["uid"] for l in order["line_items"]]

    def edit(self, order: dict, lines) -> None:
        self.emu.set_lines(order, lines)
        self.emu.touch(order)

    def cancel(self, order: dict) -> None:
        order["state"] = "CANCELED"
        self.emu.touch(order)

    def malform(self, order: dict) -> None:
        order["line_items"][0]["base_price_money"]["amount"] = "12,50"
        self.emu.touch(order)

    def heal(self, order: dict) -> None:
        order["line_items"][0]["base_price_money"]["amount"] = 1250
        self.emu.touch(order)

    def wrong_secret(self) -> dict:
        return {"access_token": "not-the-token"}

    def storm(self, calls: int) -> None:
        self.emu.storm = calls

    def list_sku(self, sku: str, quantity: int) -> None:
        self.emu.set_count(sku, quantity)

    def listed(self, sku: str) -> int | None:
        return self.emu.count(sku)

    def tracking(self, order: dict, ours: str) -> str:
        return ours

    def shipped(self, order: dict) -> list[tuple[str, str, int]]:
        found = []
        for f in order["fulfillments"]:
            if f["type"] != "SHIPMENT" or f["state"] != "COMPLETED":
                continue
            entries = [(e["line_item_uid"], int(e["quantity"])) for e in f["entries"]] \
                if f.get("line_item_application") == "ENTRY_LIST" else \
                [(l["uid"], int(l["quantity"])) for l in order["line_items"]]
            found += [(f["shipment_details"]["tracking_number"], uid, q) for uid, q in entries]
        return found


PLATFORMS["square"] = SquarePlatform
