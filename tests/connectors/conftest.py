"""Fixtures for connector tests: an in-memory keyring, the platform emulators, a small world."""

from __future__ import annotations

import pytest

from oms_desktop.model import SYSTEM
from oms_desktop.services.channels import setup as channels
from tests.connectors.shopify_emulator import TOKEN, ShopifyEmulator
from tests.factories import small_world
from tests.keyrings import memory_keyring_installed

# The page size at which the connector's order query fits Shopify's single-query limit:
# 10 orders x 67 points + 2 = 672 of 1,000 (see test_shopify_emulator.py for the arithmetic).
FITTING_PAGE = 10


@pytest.fixture
def memory_keyring():
    with memory_keyring_installed() as ring:
        yield ring


def _served(emu: ShopifyEmulator):
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture
def shop():
    """A shop with every published rule, the 1,000-point single-query limit included, on a
    plan whose bucket is too large to matter: these tests are not about throttling (those
    build their own shop on the Standard plan and its clock)."""
    yield from _served(ShopifyEmulator(bucket=10_000_000, restore_rate=10_000_000))


@pytest.fixture
def shopify():
    """The same strict shop, under the name the integration and screen tests use."""
    yield from _served(ShopifyEmulator(bucket=10_000_000, restore_rate=10_000_000))


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
