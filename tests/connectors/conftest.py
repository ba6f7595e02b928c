"""Fixtures for connector tests: an in-memory keyring, the platform emulators, a small world."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend

from oms_desktop.model import SYSTEM
from oms_desktop.services import channels
from tests.connectors.shopify_emulator import TOKEN, ShopifyEmulator
from tests.factories import small_world


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
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def shopify():
    emu = ShopifyEmulator(max_available=100_000, restore_rate=100_000).start()
    yield emu
    emu.stop()


@pytest.fixture
def world(db):
    small_world(db)
    return db


def add_shopify_channel(db, emu, *, code="shop", page_size=50, **extra) -> str:
    values = {"shop_url": emu.url, "access_token": TOKEN, "page_size": page_size,
              "location_id": emu.location_id, **extra}
    channels.save_channel(db, actor=SYSTEM, kind="shopify", name=code, code=code,
                          values=values, locations=["WH1"])
    return code
