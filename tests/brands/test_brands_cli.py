"""`brands add|list|set|assign-channel` and `transfers …` on the command line, and a
franchise user's `orders`, `stock` and `returns` commands limited to their store (SQLite:
the person named by --user; on PostgreSQL their login, tests/brands/test_brand_logins.py)."""

from __future__ import annotations

import json

import pytest

from oms_desktop.cli import main
from oms_desktop.services.brands import profiles
from tests.brands.world import PINS, logo_png


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([*argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def as_owner(world, monkeypatch):
    db, _ = world
    if db.is_sqlite:
        monkeypatch.setenv("OMS_USER", "owner")
        monkeypatch.setenv("OMS_PIN", PINS["owner"])
    return db


def test_a_brand_is_added_changed_and_given_a_channel(as_owner, capsys, tmp_path):
    db = as_owner
    logo = logo_png(tmp_path / "kiln.png")
    code, out, err = run(capsys, "brands", "add", "kiln", "--name", "Kiln & Co", "--db", db.url,
                         "--city", "Galway", "--country", "ie", "--logo", str(logo),
                         "--email-sender", "Kiln <hi@kiln.example>")
    assert (code, err) == (0, "") and "KILN" in out
    assert run(capsys, "brands", "assign-channel", "WEB-CLAY", "KILN", "--db", db.url)[0] == 0
    assert run(capsys, "brands", "set", "KILN", "--sender", "Kiln Studio", "--db", db.url,
               "--template", "shipped.en", "--subject", "On its way: $order_number",
               "--text", "Hi $customer_name", "--html", "<p>Hi</p>")[0] == 0
    code, out, _ = run(capsys, "brands", "list", "--db", db.url, "--json")
    kiln = next(b for b in json.loads(out) if b["code"] == "KILN")
    assert (kiln["sender_name"], kiln["channels"], kiln["templates"], kiln["address"]) == (
        "Kiln Studio", ["WEB-CLAY"], ["shipped.en"], ["Kiln Studio", "Galway", "IE"])
    assert profiles.get_brand(db, "CLAY").channels == ()


@pytest.mark.parametrize("argv, says", [
    (("brands", "add", "CORK", "--name", "Again"), "exists already"),
    (("brands", "set", "CORK", "--country", "Ireland"), "two-letter code"),
    (("brands", "set", "CORK", "--logo", "/nowhere/logo.png"), "PNG or JPEG file that exists"),
    (("brands", "set", "CORK", "--email-sender", "not an address"), "not an e-mail sender"),
    (("brands", "set", "CORK"), "nothing to change"),
    (("brands", "assign-channel", "NOPE", "CORK"), "No channel 'NOPE'"),
    (("transfers", "propose", "CORK-A", "CORK-B", "MUG"), "SKU:QUANTITY"),
    (("transfers", "dispatch", "TR-99"), "No transfer 'TR-99'"),
])
def test_bad_input_is_one_line_and_changes_nothing(as_owner, capsys, argv, says):
    before = profiles.list_brands(as_owner)
    code, _, err = run(capsys, *argv, "--db", as_owner.url)
    assert code != 0 and says in err and len(err.strip().splitlines()) == 1
    assert profiles.list_brands(as_owner) == before


def test_a_transfer_from_the_command_line(as_owner, capsys):
    db = as_owner
    code, out, _ = run(capsys, "transfers", "propose", "CORK-A", "CORK-B", "MUG:2", "BOWL:1",
                       "--note", "market", "--db", db.url, "--json")
    [t] = json.loads(out)
    assert (code, t["status"], t["label"]) == (0, "proposed", f"TR-{t['id']}")
    for verb, status in (("dispatch", "dispatched"), ("receive", "received")):
        code, out, _ = run(capsys, "transfers", verb, t["label"], "--db", db.url, "--json")
        assert (code, json.loads(out)[0]["status"]) == (0, status)
    code, out, _ = run(capsys, "stock", "--sku", "MUG", "--location", "CORK-B", "--db",
                       db.url, "--json")
    assert [(r["location"], r["on_hand"]) for r in json.loads(out)] == [("CORK-B", 2),
                                                                         ("CORK-B-R1", 20)]


def test_a_franchise_user_on_the_command_line_sees_only_their_store(world, capsys,
                                                                     monkeypatch):
    db, ids = world
    if not db.is_sqlite:
        pytest.skip("on PostgreSQL the login decides: test_brand_logins.py")
    monkeypatch.setenv("OMS_PIN", PINS["fran-a"])
    code, out, _ = run(capsys, "orders", "list", "--db", db.url, "--user", "fran-a", "--json")
    assert {o["channel"] for o in json.loads(out)} == {"TILL-A", "WEB-CORK"}
    code, _, err = run(capsys, "orders", "show", "TILL-B-1", "--db", db.url, "--user", "fran-a")
    assert code == 1 and "No order 'TILL-B-1'" in err
    code, _, err = run(capsys, "orders", "hold", str(ids["TILL-B"][0]), "--reason", "x",
                       "--db", db.url, "--user", "fran-a")
    assert code == 1 and "No order" in err
    code, out, _ = run(capsys, "stock", "--db", db.url, "--user", "fran-a", "--json")
    assert {r["location"] for r in json.loads(out)} == {"CORK-A-R1"}
    code, out, _ = run(capsys, "orders", "dashboard", "--brand", "CLAY", "--db", db.url,
                       "--user", "fran-a", "--json")
    assert sum(n for _, n in json.loads(out)["by_status"]) == 0
