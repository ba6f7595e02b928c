import keyring
import pytest
from keyring.backend import KeyringBackend

from tests.carriers.emulators import EasyPostEmulator, ShippoEmulator


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def easypost():
    with EasyPostEmulator() as emulator:
        yield emulator


@pytest.fixture
def shippo():
    with ShippoEmulator() as emulator:
        yield emulator
