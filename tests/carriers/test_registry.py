from decimal import Decimal

import pytest

from oms_desktop.carriers import registry
from oms_desktop.carriers.base import AddressDTO, Carrier, CarrierApi, ParcelDTO, ShipmentDTO
from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.plugins import registry as plugin_registry
from oms_desktop.plugins.errors import MissingCredential
from oms_desktop.carriers.credentials import api_key
from oms_desktop.carriers.manual import ManualCarrier


def test_the_built_in_carriers_are_found_through_entry_points():
    found = registry.load()
    assert {"manual", "easypost", "shippo"} <= set(found.names())
    assert found.failures == {}


def test_a_broken_plugin_is_collected_not_fatal(monkeypatch):
    class BrokenEntryPoint:
        name, value = "broken", "nowhere:Carrier"

        def load(self):
            raise ImportError("No module named 'nowhere'")

    monkeypatch.setattr(plugin_registry, "entry_points", lambda group: [BrokenEntryPoint()])
    found = plugin_registry.collect(registry.GROUP, Carrier, "carrier")
    assert found.names() == [] and "nowhere" in found.failures["broken"]
    with pytest.raises(NotFound, match="failed to load"):
        found.get("broken")


def test_declared_settings_are_checked():
    api = CarrierApi(secret=api_key)
    with pytest.raises(ValidationError, match="Unknown setting"):
        ManualCarrier({"colour": "red"}, api)
    with pytest.raises(ValidationError, match="digits must be int"):
        ManualCarrier({"digits": "ten"}, api)


def test_the_manual_carrier_numbers_labels_from_the_hosts_sequence():
    numbers = iter([41, 42])
    carrier = ManualCarrier({"prefix": "OF", "digits": 6, "services": [
        {"service": "Van", "amount": "3.00", "days": 1}]},
        CarrierApi(secret=api_key, next_number=lambda name: next(numbers)))
    dto = ShipmentDTO(1, "R1", AddressDTO("A", "1 St", "X", "1", "US"),
                      AddressDTO("B", "2 St", "Y", "2", "US"),
                      (ParcelDTO(1, 500, sscc="006141410000000012"),))
    [rate] = carrier.rates(dto)
    assert rate.amount == Decimal("3.00")
    first, second = carrier.buy(dto, rate, "zpl"), carrier.buy(dto, rate, "pdf")
    assert (first.tracking_number, second.tracking_number) == ("OF000041", "OF000042")
    assert b"^FD>:OF000041^FS" in first.content and second.content.startswith(b"%PDF")
    assert first.sscc == ("006141410000000012",)


def test_no_keyring_backend_gives_a_clear_error(monkeypatch):
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        with pytest.raises(MissingCredential, match="No OS keyring is available"):
            api_key("easypost")
    finally:
        keyring.set_keyring(previous)
