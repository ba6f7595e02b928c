import logging

import pytest
import sqlalchemy as sa

from oms_desktop.connectors import registry
from oms_desktop.plugins import registry as plugin_registry
from oms_desktop.plugins.settings import SettingField, check_settings
from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import SYSTEM
from oms_desktop.services.channels import setup as channels
from oms_desktop.services.channels import sync
from tests.connectors.conftest import FITTING_PAGE, add_shopify_channel
from tests.connectors.shopify_emulator import TOKEN


class _EntryPoint:
    def __init__(self, name, target):
        self.name, self.value, self._target = name, f"x:{name}", target

    def load(self):
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


def test_the_built_in_connectors_are_found_through_entry_points():
    assert {"shopify", "woocommerce", "file", "amazon", "etsy", "flipkart"} <= set(
        registry.load(refresh=True).classes)


def test_a_plugin_that_fails_to_load_is_recorded_not_fatal(monkeypatch):
    from oms_desktop.connectors.shopify import ShopifyConnector

    eps = [_EntryPoint("shopify", ShopifyConnector), _EntryPoint("broken", ImportError("no lib")),
           _EntryPoint("odd", object)]
    monkeypatch.setattr(plugin_registry, "entry_points", lambda group: eps)
    found = registry.load(refresh=True)
    try:
        assert set(found.classes) == {"shopify"}
        assert "ImportError: no lib" in found.failures["broken"]
        assert "not a Connector" in found.failures["odd"]
        with pytest.raises(NotFound, match="failed to load: ImportError"):
            found.get("broken")
    finally:
        monkeypatch.undo()
        registry.load(refresh=True)


def test_settings_are_checked_against_the_schema():
    schema = (SettingField("url", "Address", "url"), SettingField("n", "Page size", "int", default=5),
              SettingField("token", "Token", "secret", secret=True))
    assert check_settings(schema, {"url": "https://x", "n": "7"}) == {"url": "https://x", "n": 7}
    with pytest.raises(ValidationError, match="Address"):
        check_settings(schema, {"n": 3})
    with pytest.raises(ValidationError, match="Unknown setting"):
        check_settings(schema, {"url": "https://x", "colour": "red"})


def test_a_secret_is_never_stored_in_the_database_nor_logged(world, shop, memory_keyring,
                                                             caplog):
    caplog.set_level(logging.DEBUG)
    code = add_shopify_channel(world, shop, page_size=FITTING_PAGE)
    shop.add_order(lines=[("SKU-1", 1, "1.00")])
    shop.inject = [(429, {"Retry-After": "0.01"})]
    assert sync.sync_orders(world, actor=SYSTEM, code=code).ok
    with world.engine.connect() as conn:
        for table in sa.inspect(world.engine).get_table_names():
            rows = conn.exec_driver_sql(f'SELECT * FROM "{table}"').all()
            assert TOKEN not in repr(rows), table
    assert TOKEN not in caplog.text
    assert channels.get_channel(world, code).secrets_set == {"access_token": True,
                                                             "webhook_secret": False}
