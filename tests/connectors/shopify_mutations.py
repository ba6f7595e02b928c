"""Mutation resolvers of the emulated Admin API, each answering with its documented userErrors
instead of failing the request: fulfillmentCreate (fulfillment orders), inventorySetQuantities
(compare-and-set; the @idempotent directive required from 2026-04), refundCreate, orderCancel."""

from __future__ import annotations

from copy import deepcopy
from datetime import datetime, timezone

from graphql import get_directive_values

from tests.connectors.shopify_schema import gid, iso, money, num, on
from tests.connectors.shopify_store import current


def _err(message: str, field=None, code=None) -> dict:
    e = {"field": field, "message": message}
    if code:
        e["code"] = code
    return e


# -- fulfillmentCreate ---------------------------------------------------------------------------

def _fulfillment_order(emu, fo_id: str) -> tuple[dict | None, dict | None]:
    for order in emu.orders.values():
        for fo in emu.fulfillment_orders(order):
            if fo["id"] == fo_id:
                return order, fo
    return None, None


def _plan(group: dict, fo: dict) -> list[tuple[dict, int]] | None:
    """(line item, quantity) to fulfil from one fulfillment order; None if a quantity is more
    than remains. Without line items, everything that remains."""
    items = {i["id"]: i for i in fo["_lines"]}
    wanted = group.get("fulfillmentOrderLineItems") or [
        {"id": i["id"], "quantity": i["remainingQuantity"]} for i in fo["_lines"]
        if i["remainingQuantity"]]
    plan = []
    for w in wanted:
        item = items.get(w["id"])
        if item is None or not 0 < w["quantity"] <= item["remainingQuantity"]:
            return None
        plan.append((item["lineItem"], w["quantity"]))
    return plan


@on("Mutation", "fulfillmentCreate")
def _fulfillment_create(emu, info, fulfillment, message=None):
    plan, order = [], None
    for group in fulfillment["lineItemsByFulfillmentOrder"]:
        order, fo = _fulfillment_order(emu, group["fulfillmentOrderId"])
        if fo is None:
            return {"fulfillment": None, "userErrors": [
                _err("Fulfillment order does not exist.", ["fulfillment"])]}
        if fo["status"] not in ("OPEN", "IN_PROGRESS"):
            return {"fulfillment": None, "userErrors": [_err(
                f"Fulfillment order {fo['id']} has an unfulfillable status= {fo['status']}.",
                ["fulfillment"])]}
        more = _plan(group, fo)
        if not more:
            return {"fulfillment": None, "userErrors": [_err(
                "Invalid fulfillment order line item quantity requested.", ["fulfillment"])]}
        plan += more
    record = emu.record_fulfillment(order, plan, fulfillment.get("trackingInfo") or {})
    return {"fulfillment": record, "userErrors": []}


# -- inventorySetQuantities ----------------------------------------------------------------------

def _needs_idempotency(emu) -> bool:
    return emu.api_version >= "2026-04"


def _quantity_error(v: dict | None, q: dict, input: dict, field: list) -> dict | None:
    if v is None:
        return _err("The specified inventory item could not be found.", field,
                    "INVALID_INVENTORY_ITEM")
    if q["locationId"] not in v["_levels"]:
        return _err("The specified inventory item is not stocked at the location.", field,
                    "ITEM_NOT_STOCKED_AT_LOCATION")
    if not input.get("ignoreCompareQuantity"):
        if q.get("compareQuantity") is None:
            return _err("A compareQuantity is required.", field, "COMPARE_QUANTITY_REQUIRED")
        if q["compareQuantity"] != (v["_levels"][q["locationId"]] or 0):
            return _err("The compareQuantity argument no longer matches the persisted "
                        "quantity.", field, "COMPARE_QUANTITY_STALE")
    if q["quantity"] < 0 and input["name"] == "on_hand":
        return _err("The quantity can't be negative.", field, "INVALID_QUANTITY_NEGATIVE")
    return None


@on("Mutation", "inventorySetQuantities")
def _inventory_set(emu, info, input):
    directives = [d.name.value for d in info.field_nodes[0].directives]
    if _needs_idempotency(emu) and "idempotent" not in directives:
        raise ValueError("The @idempotent directive is required for this mutation.")
    if input["name"] not in ("available", "on_hand"):
        return {"inventoryAdjustmentGroup": None, "userErrors": [_err(
            "The quantity name must be available or on_hand.", ["input", "name"], "INVALID_NAME")]}
    by_item = {v["inventoryItem"]["id"]: v for v in emu.variants.values()}
    changes, errors = [], []
    for i, q in enumerate(input["quantities"]):
        v = by_item.get(q["inventoryItemId"])
        error = _quantity_error(v, q, input, ["input", "quantities", str(i)])
        if error:
            errors.append(error)
        else:
            changes.append((v, q))
    if errors:
        return {"inventoryAdjustmentGroup": None, "userErrors": errors}
    out = []
    for v, q in changes:
        before = v["_levels"][q["locationId"]] or 0
        v["_levels"][q["locationId"]] = q["quantity"]
        out.append({"name": input["name"], "delta": q["quantity"] - before,
                    "quantityAfterChange": q["quantity"], "item": v["inventoryItem"]})
    group = {"id": gid("InventoryAdjustmentGroup", len(emu.log)), "reason": input["reason"],
             "createdAt": iso(datetime.now(timezone.utc)), "changes": out}
    return {"inventoryAdjustmentGroup": group, "userErrors": []}


# -- refundCreate and orderCancel ------------------------------------------------------------------

def _idempotency_key(info) -> str | None:
    """The key of the field's @idempotent directive (a literal or a variable), if any."""
    values = get_directive_values(info.schema.get_directive("idempotent"),
                                  info.field_nodes[0], info.variable_values)
    return values["key"] if values else None


@on("Mutation", "refundCreate")
def _refund_create(emu, info, input):
    """With the @idempotent directive (optional from 2026-01, required from 2026-04), a
    repeated key returns the original refund instead of refunding again."""
    key = _idempotency_key(info)
    if key is None and _needs_idempotency(emu):
        raise ValueError("The @idempotent directive is required for this mutation.")
    if key in emu.idempotent:
        return emu.idempotent[key]
    answer = _new_refund(emu, input)
    if key is not None and not answer["userErrors"]:
        emu.idempotent[key] = answer
    return answer


def _new_refund(emu, input):
    order = emu.orders.get(num(input["orderId"]))
    if order is None:
        return {"order": None, "refund": None,
                "userErrors": [_err("Order does not exist", ["orderId"])]}
    lines = {l["id"]: l for l in order["_lines"]}
    wanted = input.get("refundLineItems") or []
    if any(r["lineItemId"] not in lines or r["quantity"] > current(lines[r["lineItemId"]])
           for r in wanted):
        return {"order": None, "refund": None, "userErrors": [_err(
            "Quantity cannot refund more items than were purchased",
            ["refundLineItems", "quantity"])]}
    total = sum(float(lines[r["lineItemId"]]["originalUnitPriceSet"]["shopMoney"]["amount"])
                * r["quantity"] for r in wanted)
    for t in input.get("transactions") or []:
        total = float(t["amount"])
    for r in wanted:
        lines[r["lineItemId"]]["_removed"] += r["quantity"]
    refund = {"id": gid("Refund", len(emu.refunds) + 1), "note": input.get("note"),
              "createdAt": iso(datetime.now(timezone.utc)),
              "totalRefundedSet": money(f"{total:.2f}", order["currencyCode"]),
              "_input": deepcopy(input)}
    emu.refunds.append(refund)
    order["refunds"].append(refund)
    order["displayFinancialStatus"] = "PARTIALLY_REFUNDED"
    emu.touch(order)
    return {"order": order, "refund": refund, "userErrors": []}


@on("Mutation", "orderCancel")
def _order_cancel(emu, info, orderId, reason, refund, restock, notifyCustomer=None,
                  staffNote=None):
    order = emu.orders.get(num(orderId))
    if order is None:
        return {"job": None, "userErrors": [], "orderCancelUserErrors": [
            _err("Order not found", ["orderId"], "NOT_FOUND")]}
    if order["cancelledAt"]:
        return {"job": None, "userErrors": [], "orderCancelUserErrors": [
            _err("Order has already been cancelled", ["orderId"], "INVALID")]}
    order["cancelledAt"] = iso(datetime.now(timezone.utc))
    order["cancelReason"] = reason
    order["closed"] = True
    emu.touch(order)
    return {"job": {"id": gid("Job", num(orderId)), "done": False}, "userErrors": [],
            "orderCancelUserErrors": []}
