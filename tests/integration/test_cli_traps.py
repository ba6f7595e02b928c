"""The traps of the command line (issue 13, items 15, 16 and 18): each one ends with one line
on stderr and a non-zero exit, never a traceback, and leaves nothing behind. Run as a person
runs them: the installed program in a subprocess, on real files and a real database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from oms_desktop.cli import main
from oms_desktop.services.channels import setup as channels
from oms_desktop.values import SYSTEM
from tests.connectors.conftest import memory_keyring, world  # noqa: F401 - fixtures
from tests.connectors.emulator_http import Response, serve
from tests.connectors.shopify_emulator import TOKEN

PROGRAM = [sys.executable, "-m", "oms_desktop"]


def cli(*argv: str, env: dict | None = None, stdin=subprocess.DEVNULL,
        program: list[str] = PROGRAM) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("OMS_DATABASE_URL", "OMS_USER", "OMS_PIN", "OMS_DEBUG")}
    return subprocess.run([*program, *argv], env={**environment, **(env or {})}, stdin=stdin,
                          capture_output=True, text=True, timeout=120)


def one_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> str:
    """A demo database with 300 orders (enough JSON to overflow a pipe's buffer)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('traps') / 'demo.sqlite3'}"
    result = cli("demo", "--orders", "300", "--db", url)
    assert result.returncode == 0, result.stderr
    return url


# -- 15: reading commands do not create databases --------------------------------------------
def test_a_mistyped_sqlite_path_is_refused_and_creates_nothing(tmp_path):
    missing = tmp_path / "no" / "such" / "folder" / "oms.sqlite3"

    result = cli("orders", "list", "--db", f"sqlite:///{missing}")

    assert result.returncode == 1 and result.stdout == ""
    line = one_line(result)
    assert f"No database at {missing}" in line and "db upgrade" in line
    assert not (tmp_path / "no").exists(), "no folder may be created"


def test_the_default_database_is_not_created_by_a_reading_command(tmp_path):
    home = tmp_path / "home"
    result = cli("stock", env={"HOME": str(home), "XDG_DATA_HOME": str(home / "data")})

    assert result.returncode == 1 and "No database at" in one_line(result)
    assert not home.exists()


def test_a_file_without_the_schema_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    before = path.read_bytes()

    result = cli("orders", "list", "--db", f"sqlite:///{path}")

    assert result.returncode == 1 and "not an oms-desktop database" in one_line(result)
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"notes"} and path.read_bytes() == before


def test_db_current_reports_an_empty_database_without_changing_it(tmp_path):
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()

    result = cli("db", "current", "--json", "--db", f"sqlite:///{path}")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["revision"] == [] and report["up_to_date"] is False
    assert cli("db", "current", "--db", f"sqlite:///{tmp_path / 'nope.db'}").returncode == 1
    assert not (tmp_path / "nope.db").exists()


def test_db_upgrade_creates_the_database_and_its_folder(tmp_path):
    path = tmp_path / "new" / "oms.sqlite3"

    result = cli("db", "upgrade", "--db", f"sqlite:///{path}", "--json")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["upgraded"] is True and path.is_file()
    assert result.stderr == "", "Alembic prints no INFO lines"
    assert cli("orders", "list", "--db", f"sqlite:///{path}").returncode == 0


def test_alembic_is_quiet_even_where_the_program_logs_at_info(tmp_path):
    """The window configures logging at INFO; migrating must not print Alembic's steps."""
    code = ("import logging, sys; logging.basicConfig(level=logging.INFO)\n"
            "from oms_desktop.storage import open_database\n"
            "open_database(sys.argv[1])\n")
    result = subprocess.run([sys.executable, "-c", code, f"sqlite:///{tmp_path / 'x.db'}"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "alembic" not in result.stderr.lower(), result.stderr


# -- 16: one line instead of tracebacks ------------------------------------------------------
def test_output_piped_into_head_ends_quietly(demo):
    """`oms-desktop orders list --json | head -1`: the reader goes away after one line."""
    process = subprocess.Popen([*PROGRAM, "orders", "list", "--limit", "300", "--json", "--db",
                                demo], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()  # what `head -1` does after its line
    err = process.stderr.read().decode()
    code = process.wait(timeout=120)

    assert first.strip() == b"["
    assert err == "", err
    assert code == 141  # 128 + SIGPIPE, as native tools report it


def test_a_postgresql_url_without_the_driver_says_which_extra_to_install():
    code = ("import sys; sys.modules['psycopg'] = None  # as if oms-desktop[postgres] were "
            "not installed\nfrom oms_desktop.cli import main\nsys.exit(main(sys.argv[1:]))\n")
    result = cli("orders", "list", "--db", "postgresql://oms@127.0.0.1:5432/test",
                 program=[sys.executable, "-c", code])

    assert result.returncode == 1
    assert "install oms-desktop[postgres]" in one_line(result)


def test_a_secret_asked_for_without_a_terminal_is_refused_and_nothing_is_saved(demo):
    people = {"OMS_USER": "manager", "OMS_PIN": "2222"}

    result = cli("channels", "add", "shopify", "--name", "Late shop", "--db", demo,
                 "--setting", "shop_url=https://late.example", "--setting", "access_token=-",
                 env=people)

    assert result.returncode == 2
    assert "no value for access_token" in one_line(result)
    listed = cli("channels", "list", "--json", "--db", demo)
    assert "late" not in listed.stdout.lower()


@pytest.mark.parametrize("argv,says", [
    (["orders", "show", "99999999999999999999"], "No order '99999999999999999999'"),
    (["orders", "show", "ORD-99999999999999999999"], "No order"),
    (["rates", "SHP-99999999999999999999"], "No shipment"),
    (["picklist", "show", "PL-99999999999999999999"], "No pick list PL-9999"),
    (["count", "show", "COUNT-99999999999999999999"], "Not a count"),
])
def test_an_id_beyond_any_database_is_not_found(demo, argv, says):
    result = cli(*argv, "--db", demo)
    assert result.returncode == 1, argv
    assert says in one_line(result)


def test_an_id_argument_beyond_any_database_is_a_command_line_mistake(demo):
    result = cli("picklist", "resolve", "99999999999999999999", "--as", "found", "--db", demo)
    assert result.returncode == 2 and "not an id" in one_line(result)


@pytest.mark.parametrize("limit", ["-1", "0", "ten"])
def test_a_limit_that_is_no_count_is_refused_in_one_line(demo, limit):
    result = cli("orders", "list", "--limit", limit, "--db", demo)

    assert result.returncode == 2 and result.stdout == ""
    assert "--limit" in one_line(result)


def test_a_mistyped_command_is_one_line_too():
    result = cli("ordres", "list")
    assert result.returncode == 2 and "invalid choice: 'ordres'" in one_line(result)


def test_a_channel_answering_with_something_that_is_not_json(world, memory_keyring, capsys,
                                                           cli_admin):
    """A proxy in front of the store answers with its HTML error page: the sync fails with
    one line naming the channel, and no order is made of it."""
    server, url = serve(lambda req: Response(200, b"<html><h1>502 Bad Gateway</h1></html>",
                                             {"Content-Type": "text/html"}))
    try:
        channels.save_channel(world, actor=SYSTEM, kind="shopify", name="shop", code="shop",
                              values={"shop_url": url, "access_token": TOKEN},
                              locations=["WH1"])
        code = main(["sync", "shop", "--db", world.url])
    finally:
        server.shutdown()
        server.server_close()
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "not JSON" in err, err
    [run] = [c for c in channels.list_channels(world) if c.code == "shop"]
    assert run.cursor is None


# -- the window without a display --------------------------------------------------------------
NO_DISPLAY = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}


def test_the_window_without_a_display_says_what_to_do(demo):
    result = cli("--db", demo, env=NO_DISPLAY)

    assert result.returncode == 1
    line = one_line(result)
    assert "no display" in line and "xvfb" in line.lower()


def test_the_window_on_a_display_nobody_serves_says_so(demo):
    result = cli("--db", demo, env={**NO_DISPLAY, "DISPLAY": ":93"})

    assert result.returncode == 1
    assert "the display :93 does not answer" in one_line(result)
    assert not Path("/tmp/.X11-unix/X93").exists()  # the premise: nothing listens there


# -- the last line of defence ------------------------------------------------------------------
BUG = ("import sys\nfrom oms_desktop.services.orders import views\n"
       "def broken(*a, **k):\n    raise KeyError('inbox')\n"
       "views.list_orders = broken  # a defect in a service, as issue 13 item 14 was\n"
       "from oms_desktop.cli import main\nsys.exit(main(sys.argv[1:]))\n")


def test_a_defect_is_one_line_with_how_to_see_the_traceback(demo):
    result = cli("orders", "list", "--db", demo, program=[sys.executable, "-c", BUG])

    assert result.returncode == 70
    line = one_line(result)
    assert "unexpected error (KeyError: 'inbox')" in line and "OMS_DEBUG=1" in line

    debug = cli("orders", "list", "--db", demo, env={"OMS_DEBUG": "1"},
                program=[sys.executable, "-c", BUG])
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "KeyError" in debug.stderr
