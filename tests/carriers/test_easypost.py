from decimal import Decimal

import pytest

from oms_desktop.carriers.base import (
    AddressDTO, AddressRejected, CarrierApi, ParcelDTO, ShipmentDTO,
)
from oms_desktop.plugins.errors import AuthFailed, MissingCredential, RateLimited
from oms_desktop.carriers.credentials import api_key, store_api_key
from oms_desktop.carriers.easypost import EasyPostCarrier

FROM = AddressDTO("Acme Outdoor", "388 Townsend St", "San Francisco", "94107", "US",
                  region="CA")
TO = AddressDTO("Elizabeth Swan", "179 N Harbor Dr", "Redondo Beach", "90277", "US",
                region="CA")
SHIPMENT = ShipmentDTO(1, "ORDER-1001", FROM, TO, (ParcelDTO(1, 436, 254, 203, 102),))


@pytest.fixture
def carrier(easypost, memory_keyring):
    store_api_key("easypost", easypost.api_key)
    waits = []
    plugin = EasyPostCarrier({"base_url": easypost.url},
                             CarrierApi(secret=api_key, sleep=waits.append))
    plugin.waits = waits
    return plugin


def test_rates_come_from_a_shipment_created_with_basic_auth_in_inches_and_ounces(
        carrier, easypost):
    rates = carrier.rates(SHIPMENT)
    assert [(r.service, r.amount, r.estimated_days) for r in rates] == [
        ("USPS GroundAdvantage", Decimal("5.93"), 3), ("USPS Priority", Decimal("8.10"), 2),
        ("UPS NextDayAir", Decimal("32.50"), 1)]
    method, path, body, headers = easypost.requests[0]
    assert (method, path) == ("POST", "/v2/shipments")
    assert headers["Authorization"].startswith("Basic ")
    shipment = body["shipment"]
    assert shipment["parcel"] == {"length": 10.0, "width": 8.0, "height": 4.0, "weight": 15.4}
    assert shipment["to_address"]["zip"] == "90277" and shipment["reference"] == "ORDER-1001"
    assert shipment["options"]["label_size"] == "4x6"


@pytest.mark.parametrize("fmt, magic", [("pdf", b"%PDF"), ("zpl", b"^XA")])
def test_buying_passes_the_carriers_4x6_label_through_untouched(carrier, easypost, fmt,
                                                                 magic):
    rate = carrier.rates(SHIPMENT)[0]
    label = carrier.buy(SHIPMENT, rate, fmt)
    assert label.tracking_number == "EZ1000000001"
    assert label.cost == Decimal("5.93") and label.carrier_ref == rate.shipment_ref
    served = easypost.files[f"{rate.shipment_ref}.{fmt}"][0]
    assert label.content == served and label.content.startswith(magic)
    paths = [p for _, p, _, _ in easypost.requests]
    assert f"/v2/shipments/{rate.shipment_ref}/buy" in paths
    assert f"/v2/shipments/{rate.shipment_ref}/label" in paths


def test_voiding_asks_for_a_refund(carrier, easypost):
    rate = carrier.rates(SHIPMENT)[0]
    label = carrier.buy(SHIPMENT, rate, "pdf")
    carrier.void(label)
    assert easypost.shipments[rate.shipment_ref]["refund_status"] == "submitted"


def test_tracking_turns_tracker_details_into_normalised_events(carrier):
    updates = carrier.track(["EZ4000000004", "EZ5000000005"])
    delivered = [u.status for u in updates if u.tracking_number == "EZ4000000004"]
    returned = [u for u in updates if u.tracking_number == "EZ5000000005"]
    assert delivered == ["pre_transit", "in_transit", "out_for_delivery", "delivered"]
    assert returned[-1].status == "returned" and returned[-1].is_exception
    assert returned[-1].location == "Memphis, TN"


def test_a_rejected_address_names_the_field(carrier):
    bad = ShipmentDTO(1, "X", FROM, AddressDTO("A", "1 Road", "Nowhere", "00000", "US"),
                      SHIPMENT.parcels)
    with pytest.raises(AddressRejected, match="verify") as info:
        carrier.rates(bad)
    assert info.value.field == "zip"


def test_a_wrong_key_is_an_auth_failure(easypost, memory_keyring):
    store_api_key("easypost", "EZTK_wrong")
    plugin = EasyPostCarrier({"base_url": easypost.url}, CarrierApi(secret=api_key))
    with pytest.raises(AuthFailed, match="refused our credentials"):
        plugin.rates(SHIPMENT)


def test_a_missing_key_says_how_to_store_one(easypost, memory_keyring):
    plugin = EasyPostCarrier({"base_url": easypost.url}, CarrierApi(secret=api_key))
    with pytest.raises(MissingCredential, match="keyring set oms-desktop carrier:easypost"):
        plugin.rates(SHIPMENT)
    assert easypost.requests == []


def test_rate_limiting_waits_retry_after_then_succeeds(carrier, easypost):
    easypost.throttle(2, retry_after=3)
    assert len(carrier.rates(SHIPMENT)) == 3
    assert carrier.waits == [3.0, 3.0]


def test_rate_limiting_that_does_not_stop_is_a_typed_error_with_retry_after(carrier,
                                                                          easypost):
    easypost.throttle(10, retry_after=7)
    with pytest.raises(RateLimited) as info:
        carrier.rates(SHIPMENT)
    assert info.value.retry_after == 7.0 and len(easypost.requests) == 3


def test_an_unreachable_api_is_transient(memory_keyring):
    from oms_desktop.plugins.errors import Transient
    store_api_key("easypost", "k")
    plugin = EasyPostCarrier({"base_url": "http://127.0.0.1:9"}, CarrierApi(secret=api_key))
    with pytest.raises(Transient, match="cannot be reached"):
        plugin.rates(SHIPMENT)
