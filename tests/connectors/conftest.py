"""Fixtures for connector tests: an in-memory keyring, the platform emulators, a small world."""

from __future__ import annotations

import pytest

from oms_desktop.model import SYSTEM
from oms_desktop.services.channels import setup as channels
from tests.connectors.shopify_emulator import TOKEN, ShopifyEmulator
from tests.factories import small_world
from tests.keyrings import memory_keyring_installed


@pytest.fixture
def memory_keyring():
    with memory_keyring_installed() as ring:
        yield ring


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
