"""The EasyPost and Shippo emulators themselves, over raw HTTP, so a reader can trust them: the
parcel rules and their documented refusals, the real carrier on every label, Shippo's tracking
by carrier token, and 429 with and without Retry-After. Then the plugins against them."""

import httpx
import pytest

from oms_desktop.carriers.base import CarrierApi
from oms_desktop.carriers.credentials import api_key, store_api_key
from oms_desktop.carriers.easypost import EasyPostCarrier
from oms_desktop.carriers.shippo import ShippoCarrier
from tests.carriers.test_easypost import SHIPMENT

TO = {"name": "Elizabeth Swan", "street1": "179 N Harbor Dr", "city": "Redondo Beach",
      "state": "CA", "zip": "90277", "country": "US"}
FROM = {"name": "Acme", "street1": "388 Townsend St", "city": "San Francisco", "state": "CA",
        "zip": "94107", "country": "US"}


def ez(emu, path: str, body: dict | None = None) -> httpx.Response:
    return httpx.post(emu.url + path, json=body, auth=(emu.api_key, ""))


def ez_shipment(emu, parcel: dict) -> httpx.Response:
    return ez(emu, "/v2/shipments", {"shipment": {"to_address": TO, "from_address": FROM,
                                                  "parcel": parcel}})


def sp(emu, method: str, path: str, body: dict | None = None) -> httpx.Response:
    return httpx.request(method, emu.url + path, json=body,
                         headers={"Authorization": f"ShippoToken {emu.token}"})


def sp_rates(emu, **parcel) -> httpx.Response:
    box = {"length": "10", "width": "8", "height": "4", "distance_unit": "in", "weight": "2",
           "mass_unit": "lb", **parcel}
    return sp(emu, "POST", "/shipments/", {"address_from": FROM, "address_to": TO,
                                           "parcels": [box], "async": False})


# -- EasyPost ---------------------------------------------------------------------------------

def test_easypost_refuses_a_parcel_of_zeros_naming_each_field(easypost):
    r = ez_shipment(easypost, {"length": 0, "width": 0, "height": 0, "weight": 15.4})
    assert r.status_code == 422
    error = r.json()["error"]
    assert (error["code"], error["message"]) == ("PARCEL.INVALID", "Invalid parcel.")
    assert [e["field"] for e in error["errors"]] == ["parcel.length", "parcel.width",
                                                     "parcel.height"]


def test_easypost_needs_a_weight_and_all_three_dimensions_or_none(easypost):
    no_weight = ez_shipment(easypost, {"length": 10, "width": 8, "height": 4}).json()["error"]
    assert (no_weight["code"], no_weight["errors"][0]["field"]) == (
        "PARAMETER.REQUIRED", "parcel.weight")
    partial = ez_shipment(easypost, {"length": 10, "weight": 15.4}).json()["error"]
    assert [e["field"] for e in partial["errors"]] == ["parcel.width", "parcel.height"]


def test_easypost_rates_a_parcel_without_dimensions_only_where_none_are_needed(easypost):
    shipment = ez_shipment(easypost, {"weight": 15.4}).json()
    assert {r["carrier"] for r in shipment["rates"]} == {"USPS"}
    [message] = shipment["messages"]
    assert (message["carrier"], message["type"]) == ("UPS", "rate_error")


def test_an_easypost_label_names_its_real_carrier_and_tracking_page(easypost):
    shipment = ez_shipment(easypost, {"length": 10, "width": 8, "height": 4,
                                      "weight": 15.4}).json()
    ups = next(r for r in shipment["rates"] if r["carrier"] == "UPS")
    bought = ez(easypost, f"/v2/shipments/{shipment['id']}/buy", {"rate": {"id": ups["id"]}})
    tracker = bought.json()["tracker"]
    assert bought.json()["selected_rate"]["carrier"] == "UPS"
    assert tracker["carrier"] == "UPS" and tracker["public_url"].startswith("https://")


# -- Shippo -----------------------------------------------------------------------------------

def test_shippo_refuses_parcels_with_zero_or_missing_fields(shippo):
    zeros = sp_rates(shippo, length="0", width="0", height="0")
    assert zeros.status_code == 400
    assert zeros.json() == {"parcels": [{f: ["Ensure this value is greater than 0."]
                                         for f in ("length", "width", "height")}]}
    missing = sp_rates(shippo, distance_unit=None)
    assert missing.json() == {"parcels": [{"distance_unit": ["This field is required."]}]}


def test_a_shippo_label_is_tracked_only_under_its_own_carrier(shippo):
    rates = sp_rates(shippo).json()["rates"]
    ups = next(r for r in rates if r["provider"] == "UPS")
    tx = sp(shippo, "POST", "/transactions/", {"rate": ups["object_id"], "async": False}).json()
    number = tx["tracking_number"]
    assert number.startswith("1Z") and "ups.com" in tx["tracking_url_provider"]
    shippo.advance(number, "TRANSIT")
    right = sp(shippo, "GET", f"/tracks/ups/{number}").json()
    assert [h["status"] for h in right["tracking_history"]] == ["PRE_TRANSIT", "TRANSIT"]
    wrong = sp(shippo, "GET", f"/tracks/usps/{number}").json()
    assert (wrong["tracking_status"]["status"], wrong["tracking_history"]) == ("UNKNOWN", [])
    assert sp(shippo, "GET", f"/tracks/nowhere/{number}").status_code == 404


# -- 429, with and without Retry-After ---------------------------------------------------------

@pytest.mark.parametrize("retry_after, header", [(4, "4"), (None, None)])
def test_a_429_comes_with_or_without_retry_after(easypost, retry_after, header):
    easypost.throttle(1, retry_after=retry_after)
    r = ez_shipment(easypost, {"weight": 15.4})
    assert (r.status_code, r.headers.get("Retry-After")) == (429, header)
    assert ez_shipment(easypost, {"weight": 15.4}).status_code == 201


def plugin(kind: str, emu, waits: list):
    cls, name = (EasyPostCarrier, "easypost") if kind == "easypost" else (ShippoCarrier, "shippo")
    store_api_key(name, getattr(emu, "api_key", None) or emu.token)
    return cls({"base_url": emu.url}, CarrierApi(secret=api_key, sleep=waits.append))


@pytest.mark.parametrize("kind", ["easypost", "shippo"])
def test_a_429_without_retry_after_is_backed_off_then_rated(kind, easypost, shippo,
                                                          memory_keyring):
    emu, waits = (easypost if kind == "easypost" else shippo), []
    emu.throttle(2, retry_after=None)
    assert plugin(kind, emu, waits).rates(SHIPMENT)
    assert len(waits) == 2 and 0 < waits[0] <= waits[1]
