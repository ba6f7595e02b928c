"""Passwords are PostgreSQL's to check. These tests need a server that asks for them (SCRAM in
pg_hba.conf, never `trust`): set OMS_TEST_POSTGRES_SCRAM_URL to a superuser URL of such a
server (the shared test server trusts 127.0.0.1, so they are skipped there)."""

import os

import pytest
from sqlalchemy.engine import make_url

from oms_desktop.cli import main
from oms_desktop.errors import PermissionDenied
from oms_desktop.services.users import accounts, identity
from oms_desktop.services.users.approval import approval
from tests.factories import small_world
from tests.pg_roles import PASSWORD, people_database

SCRAM_URL = os.environ.get("OMS_TEST_POSTGRES_SCRAM_URL")
pytestmark = pytest.mark.skipif(not SCRAM_URL, reason="no SCRAM server given "
                                "(OMS_TEST_POSTGRES_SCRAM_URL)")


@pytest.fixture(scope="module")
def people():
    with people_database(small_world, server_url=SCRAM_URL) as made:
        yield made


def test_a_wrong_password_opens_nothing_and_says_so_without_naming_which_part(people):
    packer = people.names["packer"]
    with pytest.raises(PermissionDenied, match="Wrong user name or password"):
        identity.connect(people.owner, username=packer, password="not it")
    with pytest.raises(PermissionDenied, match="Wrong user name or password"):
        identity.connect(people.owner, username="nobody-at-all", password="not it")
    db, actor = identity.connect(people.owner, username=packer, password=PASSWORD)
    assert actor.name == packer
    db.dispose()


def test_an_approval_with_a_wrong_password_is_refused(people):
    with pytest.raises(PermissionDenied, match="Wrong user name or password"):
        with approval(people.db("packer"), username=people.names["manager"], secret="guess"):
            pass


def test_the_command_line_without_the_password_cannot_open_the_database(people, capsys,
                                                                         monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "not it")
    url = make_url(people.url("packer")).set(password=None).render_as_string()
    assert main(["orders", "list", "--db", url]) == 1
    assert "password authentication failed" in capsys.readouterr().err


def test_a_deactivated_person_can_no_longer_log_in(people):
    people.add("leaver", "packer")
    admin = identity.whoami(people.owner)
    accounts.update_user(people.owner, actor=admin, user_id=people.actor("leaver").user_id,
                         active=False)
    with pytest.raises(PermissionDenied, match="Wrong user name or password"):
        identity.connect(people.owner, username=people.names["leaver"], password=PASSWORD)


def test_five_wrong_passwords_at_a_station_lock_the_person_until_an_admin_unlocks(people):
    from oms_desktop.services.users import signin

    people.add("target", "manager")
    station = people.db("packer")
    for _ in range(5):
        with pytest.raises(PermissionDenied, match="Wrong user name or password"):
            identity.connect(station, username=people.names["target"], password="guess")
    with pytest.raises(PermissionDenied, match="locked"):
        identity.connect(station, username=people.names["target"], password=PASSWORD)
    admin = identity.whoami(people.owner)
    signin.unlock_user(people.owner, actor=admin, user_id=_user_id(people, "target"))
    db, actor = identity.connect(station, username=people.names["target"], password=PASSWORD)
    assert actor.role.value == "manager"
    db.dispose()


def _user_id(people, who: str) -> int:
    import sqlalchemy as sa

    from oms_desktop.model import User
    with people.owner.engine.connect() as conn:
        return conn.scalar(sa.select(User.id).where(User.username == people.names[who]))
