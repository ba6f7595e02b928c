from decimal import Decimal

import pytest

from oms_desktop.carriers.base import (
    AddressDTO, AddressRejected, CarrierApi, CarrierError, Label, ShipmentDTO,
)
from oms_desktop.plugins.errors import AuthFailed, RateLimited
from oms_desktop.carriers.credentials import api_key, store_api_key
from oms_desktop.carriers.shippo import ShippoCarrier
from tests.carriers.test_easypost import FROM, SHIPMENT


@pytest.fixture
def carrier(shippo, memory_keyring):
    store_api_key("shippo", shippo.token)
    waits = []
    plugin = ShippoCarrier({"base_url": shippo.url, "tracking_carrier": "shippo"},
                           CarrierApi(secret=api_key, sleep=waits.append))
    plugin.waits = waits
    return plugin


def test_rates_are_asked_synchronously_with_explicit_units_and_the_token(carrier, shippo):
    rates = carrier.rates(SHIPMENT)
    assert [(r.service, r.amount, r.estimated_days) for r in rates] == [
        ("USPS Ground Advantage", Decimal("6.10"), 4), ("USPS Priority Mail", Decimal("8.70"), 2),
        ("UPS Next Day Air", Decimal("29.95"), 1)]
    method, path, body, headers = shippo.requests[0]
    assert (method, path) == ("POST", "/shipments/")
    assert headers["Authorization"] == "ShippoToken shippo_test_abc"
    assert body["async"] is False
    assert body["parcels"] == [{"length": "10.0", "width": "8.0", "height": "4.0",
                                "distance_unit": "in", "weight": "15.4", "mass_unit": "oz"}]


@pytest.mark.parametrize("fmt, file_type, magic", [("pdf", "PDF_4x6", b"%PDF"),
                                                    ("zpl", "ZPLII", b"^XA")])
def test_a_transaction_buys_the_label_in_the_asked_file_type(carrier, shippo, fmt, file_type,
                                                              magic):
    rate = carrier.rates(SHIPMENT)[1]
    label = carrier.buy(SHIPMENT, rate, fmt)
    _, path, body, _ = shippo.requests[-2]
    assert path == "/transactions/"
    assert body == {"rate": rate.rate_id, "label_file_type": file_type, "async": False,
                    "metadata": "ORDER-1001"}
    assert label.tracking_number.startswith("9400") and label.cost == Decimal("8.70")
    assert label.content == shippo.files[f"{label.carrier_ref}.{fmt}"][0]
    assert label.content.startswith(magic)


def test_a_failed_transaction_reported_with_201_is_still_an_error(carrier):
    rate = carrier.rates(SHIPMENT)[0]
    gone = type(rate)(**{**rate.__dict__, "rate_id": "f" * 32})
    with pytest.raises(CarrierError, match="Rate not found"):
        carrier.buy(SHIPMENT, gone, "pdf")


def test_voiding_posts_a_refund_of_the_transaction(carrier, shippo):
    label = carrier.buy(SHIPMENT, carrier.rates(SHIPMENT)[0], "pdf")
    carrier.void(label)
    assert shippo.transactions[label.carrier_ref]["status"] == "REFUNDPENDING"
    with pytest.raises(CarrierError, match="Invalid transaction"):
        carrier.void(Label("X", b"", "pdf", Decimal(0), carrier_ref="nope"))


def test_tracking_reads_the_history_with_normalised_statuses(carrier):
    updates = carrier.track(["SHIPPO_DELIVERED", "SHIPPO_FAILURE"])
    assert [u.status for u in updates if u.tracking_number == "SHIPPO_DELIVERED"] == [
        "pre_transit", "in_transit", "delivered"]
    failure = [u for u in updates if u.tracking_number == "SHIPPO_FAILURE"][-1]
    assert failure.status == "failure" and failure.is_exception
    assert failure.location == "Denver, CO"


def test_a_rejected_address_names_the_field(carrier):
    bad = ShipmentDTO(1, "X", FROM, AddressDTO("A", "", "Nowhere", "12345", "US"),
                      SHIPMENT.parcels)
    with pytest.raises(AddressRejected) as info:
        carrier.rates(bad)
    assert info.value.field == "address_to.street1"


def test_an_invalid_token_is_an_auth_failure(shippo, memory_keyring):
    store_api_key("shippo", "shippo_test_wrong")
    plugin = ShippoCarrier({"base_url": shippo.url}, CarrierApi(secret=api_key))
    with pytest.raises(AuthFailed):
        plugin.rates(SHIPMENT)


def test_rate_limiting_is_honoured_and_then_reported(carrier, shippo):
    shippo.throttle(1, retry_after=2)
    assert carrier.rates(SHIPMENT)
    assert carrier.waits == [2.0]
    shippo.throttle(5, retry_after=4)
    with pytest.raises(RateLimited) as info:
        carrier.rates(SHIPMENT)
    assert info.value.retry_after == 4.0


def test_the_emulator_is_async_unless_asked_not_to_be(shippo):
    import httpx

    body = {"address_from": {"street1": "1 A St", "zip": "94107"},
            "address_to": {"street1": "2 B St", "zip": "90277"},
            "parcels": [{"length": "1", "width": "1", "height": "1", "distance_unit": "in",
                         "weight": "1", "mass_unit": "lb"}]}
    headers = {"Authorization": f"ShippoToken {shippo.token}"}
    queued = httpx.post(f"{shippo.url}/shipments/", json=body, headers=headers).json()
    done = httpx.post(f"{shippo.url}/shipments/", json={**body, "async": False},
                      headers=headers).json()
    assert (queued["status"], queued["rates"]) == ("QUEUED", [])
    assert done["status"] == "SUCCESS" and len(done["rates"]) == 3
