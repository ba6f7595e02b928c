"""The command line imports only what its subcommand needs (issue 16): `--version` and `--help`
load no database layer, no migrations and no Qt; a small query loads no Alembic, Qt, connector
or e-mail code; the lazy command table names exactly what each module registers."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys

import pytest

from oms_desktop import bootstrap
from oms_desktop.cli import COMMAND_MODULES, build_parser, common_options

HEAVY = ("sqlalchemy", "alembic", "PySide6", "oms_desktop.model", "oms_desktop.services",
         "oms_desktop.storage", "httpx", "keyring")

PROBE = """
import json, sys
from oms_desktop.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def loaded(*argv: str) -> tuple[int, list[str]]:
    result = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True,
                            text=True, timeout=120)
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return report["code"], report["modules"]


def under(modules: list[str], prefix: str) -> list[str]:
    return [m for m in modules if m == prefix or m.startswith(prefix + ".")]


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["orders", "--help"]])
def test_version_and_help_load_no_database_layer_migrations_or_qt(argv):
    code, modules = loaded(*argv)
    assert code == 0
    heavy = [m for p in (HEAVY if argv[0].startswith("--") else ("alembic", "PySide6"))
             for m in under(modules, p)]
    assert not heavy, heavy


def test_a_small_query_loads_no_alembic_qt_connectors_or_email(tmp_path):
    url = f"sqlite:///{tmp_path / 'oms.sqlite3'}"
    assert subprocess.run([sys.executable, "-m", "oms_desktop", "db", "upgrade", "--db", url],
                          capture_output=True, timeout=120).returncode == 0

    code, modules = loaded("orders", "list", "--limit", "5", "--db", url)

    assert code == 0
    for prefix in ("alembic", "PySide6", "oms_desktop.connectors", "oms_desktop.carriers",
                   "oms_desktop.services.automation", "oms_desktop.services.orders.allocation",
                   "oms_desktop.cli.channels", "smtplib"):
        assert not under(modules, prefix), prefix


def test_the_table_names_exactly_what_each_module_registers():
    """One line per subcommand: a module's every top-level subcommand is in the table, under
    that module, and nothing in the table is missing from its module."""
    for module in set(m for m, _ in COMMAND_MODULES.values()):
        parser = argparse.ArgumentParser()
        commands = parser.add_subparsers(dest="command")
        importlib.import_module(module).register(commands, common_options())
        registered = set(commands.choices)
        listed = {name for name, (m, _) in COMMAND_MODULES.items() if m == module}
        assert registered == listed, (module, registered ^ listed)


def test_the_subcommand_run_gets_its_real_parser_and_the_others_stay_placeholders():
    for name, (module, _) in COMMAND_MODULES.items():
        action = next(a for a in build_parser(name)._actions
                      if isinstance(a, argparse._SubParsersAction))
        for other, parser in action.choices.items():
            real = "-h" in parser._option_string_actions
            assert real == (COMMAND_MODULES[other][0] == module), (name, other)


def test_every_event_handler_named_in_bootstrap_exists():
    for paths in bootstrap.HANDLERS.values():
        for path in paths:
            module, _, name = f"oms_desktop.services.{path}".rpartition(".")
            assert callable(getattr(importlib.import_module(module), name)), path


def test_a_small_query_declares_only_the_model_areas_it_reads(tmp_path):
    url = f"sqlite:///{tmp_path / 'oms.sqlite3'}"
    assert subprocess.run([sys.executable, "-m", "oms_desktop", "db", "upgrade", "--db", url],
                          capture_output=True, timeout=120).returncode == 0

    code, modules = loaded("orders", "list", "--limit", "5", "--db", url)

    assert code == 0
    for area in ("b2b", "books", "floor", "counting", "returns", "shipping", "automation"):
        assert f"oms_desktop.model.{area}" not in modules, area


WORDS_FOLLOW = """
import sys
import sqlalchemy as sa
from oms_desktop.model import Channel, Order
from oms_desktop.storage import Database
db = Database(sys.argv[1])
with db.uow() as uow:
    channel = Channel(code="WEB", name="Web", kind="manual")
    uow.session.add(channel)
    uow.session.flush()
    uow.session.add(Order(number="W-1", channel_id=channel.id, external_id="1",
                          ship_name="Mathis Tremblay"))
    uow.commit()
with db.engine.connect() as conn:
    words = conn.scalar(sa.text("select count(*) from order_words"))
print(sorted(m for m in sys.modules if m.startswith("oms_desktop.model.")), words)
"""


def test_the_word_index_follows_orders_written_with_only_the_order_area_declared(
        tmp_path, sqlite_template):
    """The search listeners come with the order area: a process that declares nothing else
    still indexes the orders it writes."""
    path = tmp_path / "oms.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    result = subprocess.run([sys.executable, "-c", WORDS_FOLLOW, f"sqlite:///{path}"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    areas, words = result.stdout.rsplit(" ", 1)
    assert "oms_desktop.model.b2b" not in areas
    assert int(words) > 0
