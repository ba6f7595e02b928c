import pytest

from oms_desktop.carriers.credentials import store_api_key
from tests.carriers.emulators import EasyPostEmulator, ShippoEmulator
from tests.carriers.world import shipping_world
from tests.keyrings import memory_keyring_installed


@pytest.fixture
def memory_keyring():
    with memory_keyring_installed() as ring:
        yield ring


@pytest.fixture
def easypost():
    with EasyPostEmulator() as emulator:
        yield emulator


@pytest.fixture
def shippo():
    with ShippoEmulator() as emulator:
        yield emulator


@pytest.fixture
def world(db, easypost, shippo, memory_keyring):
    """The small world with EasyPost and Shippo enabled against their emulators."""
    shipping_world(db, carriers=("easypost", "shippo"), easypost={"base_url": easypost.url},
                   shippo={"base_url": shippo.url})
    store_api_key("easypost", easypost.api_key)
    store_api_key("shippo", shippo.token)
    return db
