"""The command line as a cron job would use it."""

import json

from oms_desktop.cli import main
from tests.connectors.conftest import memory_keyring, shopify, world  # noqa: F401 - fixtures
from tests.connectors.shopify_emulator import TOKEN


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_test_sync_and_errors_from_the_command_line(world, shopify, memory_keyring, capsys,
                                                       cli_admin):
    url = world.url
    shopify.add_order(lines=[("SKU-1", 1, "12.50")])
    shopify.add_order(lines=[("SKU-1", 1, "oops")])
    code, out, _ = run(capsys, "channels", "add", "shopify", "--name", "Main shop", "--db", url,
                       "--setting", f"shop_url={shopify.url}", "--setting",
                       f"access_token={TOKEN}", "--location", "WH1", "--buffer", "1")
    assert code == 0 and "main-shop" in out
    assert TOKEN not in out, "secrets are never printed"
    assert ("oms-desktop", "channel:main-shop:access_token") in memory_keyring.store
    assert run(capsys, "channels", "test", "main-shop", "--db", url)[1].count("Emulated shop") == 1
    code, out, _ = run(capsys, "sync", "main-shop", "--db", url, "--json")
    [result] = json.loads(out)["runs"]
    assert code == 0 and (result["fetched"], result["created"], result["failed"]) == (2, 1, 1)
    code, out, _ = run(capsys, "sync", "errors", "main-shop", "--db", url)
    assert code == 0 and "oops" in out
    code, out, _ = run(capsys, "channels", "list", "--db", url)
    assert "main-shop" in out and " ok " in out


def test_a_failed_sync_exits_non_zero_with_the_reason(world, shopify, memory_keyring, capsys,
                                                      cli_admin):
    url = world.url
    run(capsys, "channels", "add", "shopify", "--name", "shop", "--db", url, "--setting",
        f"shop_url={shopify.url}", "--setting", "access_token=shpat_wrong")
    code, out, err = run(capsys, "sync", "shop", "--db", url)
    assert code == 1 and "failed" in out and "refused our credentials" in err


def test_without_a_keyring_backend_the_error_says_how_to_supply_the_secret(world, shopify,
                                                                          capsys, monkeypatch,
                                                                          cli_admin):
    import keyring
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        code, _, err = run(capsys, "channels", "add", "shopify", "--name", "shop", "--db",
                           world.url, "--setting", f"shop_url={shopify.url}",
                           "--setting", f"access_token={TOKEN}")
        assert code == 1 and "OMS_SECRET_SHOP_ACCESS_TOKEN" in err
        monkeypatch.setenv("OMS_SECRET_SHOP_ACCESS_TOKEN", TOKEN)
        code, _, err = run(capsys, "channels", "add", "shopify", "--name", "shop", "--db",
                           world.url, "--setting", f"shop_url={shopify.url}")
        assert code == 0, err
        assert run(capsys, "sync", "shop", "--db", world.url)[0] == 0
    finally:
        keyring.set_keyring(before)


def test_push_inventory_from_the_command_line(world, shopify, memory_keyring, capsys,
                                              cli_admin):
    from oms_desktop.model import SYSTEM
    from oms_desktop.services.inventory import stock

    url = world.url
    stock.receive(world, actor=SYSTEM, sku="SKU-1", location="WH1-A-01", quantity=6)
    for sku in ("SKU-1", "SKU-2", "KIT-1"):
        shopify.add_variant(sku, 0)
    run(capsys, "channels", "add", "shopify", "--name", "shop", "--db", url, "--location", "WH1",
        "--setting", f"shop_url={shopify.url}", "--setting", f"access_token={TOKEN}",
        "--setting", f"location_id={shopify.location_id}")
    code, out, _ = run(capsys, "channels", "push-inventory", "shop", "--db", url)
    assert code == 0 and shopify.available("SKU-1") == 6
