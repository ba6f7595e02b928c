"""Fixtures of the real-window suite: our own X server for the session, the demo database
made once with the command line, and per test module one program started on a copy of it
and signed in by keyboard. Without Xvfb or xdotool the suite is skipped, unless
OMS_REQUIRE_REALWINDOW=1 (CI), which makes that a failure."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from oms_desktop.ui.theme import LIGHT
from tests.realwindow.floor import Floor
from tests.realwindow.records import Records
from tests.realwindow.station import Station, cli, program_env
from tests.realwindow.xserver import XServer, missing_tools

REQUIRE = os.environ.get("OMS_REQUIRE_REALWINDOW") == "1"
PACKER = ("Pat", "packer", "4444")  # what to type to find the user, user name, PIN
# Accent pixels of the sign-in page once the users are listed: the Sign in button (~11,700)
# and the first user's highlighted row (~6,700).
USERS_LISTED = 15_000


@pytest.fixture(scope="session")
def xserver():
    missing = missing_tools()
    if missing:
        reason = f"the real-window suite needs {' and '.join(missing)} (apt-get install xvfb xdotool)"
        if REQUIRE:
            pytest.fail(f"{reason}, and OMS_REQUIRE_REALWINDOW=1", pytrace=False)
        pytest.skip(reason)
    server = XServer.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory, xserver) -> Path:
    """`oms-desktop demo` once per session (seed 1: the same orders every run)."""
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.sqlite3"
    cli(program_env(xserver.display, folder / "home"), f"sqlite:///{path}", "demo")
    return path


class Desk:
    """One test module's workstation: its database, the command line on it, the records."""

    def __init__(self, folder: Path, env: dict[str, str], demo: Path):
        self.folder, self.env = folder, env
        self.path = folder / "oms.sqlite3"
        shutil.copy(demo, self.path)
        self.url = f"sqlite:///{self.path}"
        self.records = Records(self.path)

    def oms(self, *args: str):
        """`oms-desktop ARGS --db <this database> --json`, parsed."""
        return cli(self.env, self.url, *args)


@pytest.fixture(scope="module")
def desk(request, tmp_path_factory, xserver, demo_database) -> Desk:
    folder = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    return Desk(folder, program_env(xserver.display, folder / "home"), demo_database)


@pytest.fixture(scope="module")
def program(desk):
    station = Station.start(desk.url, env=desk.env, log_path=desk.folder / "program.log")
    yield station
    station.stop()


@pytest.fixture(scope="module")
def station(program, desk) -> Station:
    """The program, signed in as the packer by typing at the sign-in page."""
    sign_in(program, desk.records, *PACKER)
    return program


def sign_in(program: Station, records: Records, find: str, username: str, pin: str) -> None:
    """As a person does: wait for the names, type the start of yours, Enter, the PIN, Enter,
    and wait for the main window (its dark sidebar)."""
    folder = program.log_path.parent
    assert program.shows(LIGHT.accent, folder / "sign-in.png", at_least=USERS_LISTED), \
        f"the sign-in page never listed the users\n{program.output()}"
    program.type_by_hand(find)
    program.press("Return")
    program.type_by_hand(pin)
    program.press("Return")
    assert records.wait_for("SELECT 1 FROM audit_events WHERE action = 'sign_in' "
                            "AND actor_name = ?", username), \
        f"{username} did not get signed in\n{program.output()}"
    assert program.shows(LIGHT.sidebar, folder / "signed-in.png", at_least=100_000)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test shows the program's output and leaves a screenshot beside it."""
    outcome = yield
    report = outcome.get_result()
    program = item.funcargs.get("program") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(program, Station):
        shot = Path(program.log_path).with_name(f"failed-{item.name}.png")
        try:
            program.screenshot(shot)
            report.sections.append(("screenshot", str(shot)))
        except OSError as exc:
            report.sections.append(("screenshot", f"none: {exc}"))
        report.sections.append(("oms-desktop output", program.output()))


@pytest.fixture(scope="module")
def floor(station, desk) -> Floor:
    return Floor(station, desk)
