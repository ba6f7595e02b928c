"""`oms-desktop settings list|get|set|unset` (issue 13, item 17): e-mail and the other shared
settings set from a shell, with the window's permissions and the same checks (services.settings),
read back by the code that uses them (the e-mail sender's configuration)."""

from __future__ import annotations

import json

import pytest

from oms_desktop.cli import main
from oms_desktop.errors import ValidationError
from oms_desktop.services import settings
from oms_desktop.services.automation.notifications import smtp_config
from oms_desktop.services.users import accounts
from oms_desktop.values import SYSTEM
from tests.factories import small_world

PEOPLE = {"morgan": ("manager", "2222"), "pat": ("packer", "4444")}


@pytest.fixture
def world(db, monkeypatch):
    return _people(db, monkeypatch)


@pytest.fixture
def sqlite_world(sqlite_db, monkeypatch):
    """On SQLite the person named by OMS_USER acts; on PostgreSQL the database login does
    (cli.identity), so the role tests run where the test can be each person."""
    return _people(sqlite_db, monkeypatch)


def _people(db, monkeypatch):
    small_world(db)
    if not accounts.has_users(db):
        accounts.create_first_admin(db, username="alex", display_name="Alex", secret="1111")
    for name, (role, pin) in PEOPLE.items():
        accounts.create_user(db, actor=SYSTEM, username=name, display_name=name, role=role,
                             secret=pin)
    for var in ("OMS_USER", "OMS_PIN"):
        monkeypatch.delenv(var, raising=False)
    return db


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def as_person(monkeypatch, name: str) -> None:
    monkeypatch.setenv("OMS_USER", name)
    monkeypatch.setenv("OMS_PIN", PEOPLE[name][1])


def stored(db, key: str):
    return settings.read(db, key, "<unset>")


def test_a_manager_sets_up_email_and_the_sender_reads_it(world, capsys, monkeypatch):
    as_person(monkeypatch, "morgan")
    for key, value in (("smtp.host", "mail.example.com"), ("smtp.port", "2525"),
                       ("smtp.security", "ssl"), ("smtp.sender", "shop@example.com")):
        code, out, err = run(capsys, "settings", "set", key, value, "--db", world.url)
        assert code == 0, err
        assert key in out and ("morgan" in out or not world.is_sqlite)

    with world.uow(readonly=True) as uow:
        config = smtp_config(uow.session)
    assert (config.host, config.port, config.security, config.sender) == (
        "mail.example.com", 2525, "ssl", "shop@example.com")
    assert stored(world, "smtp.port") == 2525, "a number is stored as a number"


def test_reading_needs_no_person_and_shows_defaults(world, capsys, monkeypatch):
    as_person(monkeypatch, "morgan")
    run(capsys, "settings", "set", "company.address", "1 Quay Street", "Dublin", "--db",
        world.url)
    monkeypatch.delenv("OMS_USER")

    code, out, _ = run(capsys, "settings", "get", "company.address", "--db", world.url)
    assert code == 0 and out.strip() == "1 Quay Street / Dublin"
    code, out, _ = run(capsys, "settings", "get", "lock.idle_minutes", "--db", world.url,
                       "--json")
    view = json.loads(out)
    assert code == 0 and (view["value"], view["is_set"]) == (settings.AUTO_LOCK_DEFAULT, False)
    code, out, _ = run(capsys, "settings", "list", "--known", "--prefix", "smtp.", "--json",
                       "--db", world.url)
    keys = [row["key"] for row in json.loads(out)]
    assert code == 0 and "smtp.host" in keys and all(k.startswith("smtp.") for k in keys)
    assert "smtp.password" not in keys


@pytest.mark.parametrize("key,value,why", [
    ("smtp.port", "99999", "from 1 to 65535"),
    ("smtp.port", "twenty-five", "not a whole number"),
    ("smtp.security", "tls", "one of starttls, ssl, none"),
    ("smtp.sender", "shop at example", "not an e-mail address"),
    ("smtp.host", "https://mail.example.com", "not a host name"),
    ("shipping.cutoff", "25:00", "HH:MM"),
    ("shipping.timezone", "Mars/Olympus", "time zone"),
    ("lock.idle_minutes", "-5", "from 0 to 240"),
])
def test_a_bad_value_is_refused_in_one_line_and_nothing_changes(world, capsys, monkeypatch,
                                                                key, value, why):
    as_person(monkeypatch, "morgan")

    code, out, err = run(capsys, "settings", "set", key, value, "--db", world.url)

    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and why in err and key in err
    assert stored(world, key) == "<unset>"


def test_the_window_s_roles_decide_who_may_change_what(sqlite_world, capsys, monkeypatch):
    world = sqlite_world
    as_person(monkeypatch, "pat")
    code, _, err = run(capsys, "settings", "set", "smtp.host", "mail.example.com", "--db",
                       world.url)
    assert code == 1 and "may not change the setting smtp.host" in err
    assert stored(world, "smtp.host") == "<unset>"

    monkeypatch.delenv("OMS_USER")
    code, _, err = run(capsys, "settings", "set", "smtp.host", "mail.example.com", "--db",
                       world.url)
    assert code == 2 and "--user NAME" in err, "changing a setting needs a person"

    as_person(monkeypatch, "morgan")
    code, _, err = run(capsys, "settings", "set", "users.lockout_attempts", "3", "--db",
                       world.url)
    assert code == 1 and "an admin or above must do it" in err
    assert stored(world, "users.lockout_attempts") == "<unset>"


def test_secrets_and_typos_are_refused_with_what_to_do(world, capsys, monkeypatch):
    as_person(monkeypatch, "morgan")
    code, _, err = run(capsys, "settings", "set", "smtp.password", "hunter2", "--db", world.url)
    assert code == 1 and "keyring set oms-desktop smtp:" in err and "hunter2" not in err
    assert stored(world, "smtp.password") == "<unset>"

    code, _, err = run(capsys, "settings", "set", "smtp.hots", "mail.example.com", "--db",
                       world.url)
    assert code == 1 and "did you mean smtp.host" in err


def test_unset_brings_the_default_back(world, capsys, monkeypatch):
    as_person(monkeypatch, "morgan")
    run(capsys, "settings", "set", "lock.idle_minutes", "3", "--db", world.url)
    assert stored(world, "lock.idle_minutes") == 3

    code, out, _ = run(capsys, "settings", "unset", "lock.idle_minutes", "--db", world.url)
    assert code == 0 and "default applies" in out
    assert stored(world, "lock.idle_minutes") == "<unset>"
    code, out, _ = run(capsys, "settings", "unset", "lock.idle_minutes", "--db", world.url)
    assert code == 0 and "was not set" in out


def test_the_window_s_writes_are_checked_the_same_way(world):
    """The Settings screen writes through services.settings.write: the same rules apply,
    even for an admin."""
    with pytest.raises(ValidationError, match="from 0 to 240"):
        settings.write(world, actor=SYSTEM, key=settings.AUTO_LOCK_KEY, value=999)
    with pytest.raises(ValidationError, match="not an e-mail address"):
        settings.write(world, actor=SYSTEM, key="company.email", value="nobody")
    assert stored(world, settings.AUTO_LOCK_KEY) == "<unset>"
    settings.write(world, actor=SYSTEM, key=settings.AUTO_LOCK_KEY, value=0)
    assert stored(world, settings.AUTO_LOCK_KEY) == 0
