import pytest

from tests.carriers.emulators import EasyPostEmulator, ShippoEmulator
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
