"""The window on PostgreSQL where each person has their own login: the station is the person's
connection; locking and unlocking with their PIN keeps it; another person signs in with their
own password and the station's connection becomes theirs."""

import pytest
import sqlalchemy as sa

from oms_desktop.model import AuditEvent
from oms_desktop.services.users import identity
from oms_desktop.ui.main_window import MainWindow
from oms_desktop.values import SYSTEM
from tests.factories import small_world
from tests.pg_roles import PASSWORD, PINS, people_database
from tests.ui.shell_support import station_settings  # noqa: F401


@pytest.fixture(scope="module")
def people():
    with people_database(small_world) as made:
        yield made


@pytest.fixture
def window(qtbot, people, station_settings):
    station_db = people.owner.for_login(people.names["packer"], PASSWORD)
    made = MainWindow(station_db, station="PACK-1", live=False, scanner=False)
    qtbot.addWidget(made)
    made.show()
    made.sign_in_as(identity.whoami(station_db, station="PACK-1"))
    yield made
    made.close()
    station_db.dispose()


def submit(qtbot, window, username: str, secret: str) -> None:
    screen = window.signin
    qtbot.waitUntil(lambda: screen.user_list.count() > 0, timeout=5000)
    screen.select_user(username)
    screen.secret.setText(secret)
    screen.button.click()
    qtbot.waitUntil(lambda: screen.button.isEnabled() and bool(
        window.pages_root.currentIndex() == 1 or screen.message.text()), timeout=10000)


def test_the_packer_unlocks_with_their_pin_on_their_own_connection(qtbot, people, window):
    packer = people.names["packer"]
    window.lock()
    submit(qtbot, window, packer, "0000")
    assert "Wrong PIN" in window.signin.message.text()
    submit(qtbot, window, packer, PINS["packer"])
    assert window.pages_root.currentIndex() == 1 and window.ctx.actor.name == packer
    assert window.db.login == packer


def test_a_manager_signs_in_with_their_own_password_and_the_station_becomes_theirs(
        qtbot, people, window):
    manager = people.names["manager"]
    window.switch_user()
    # (A wrong password is PostgreSQL's to refuse: this test server trusts 127.0.0.1, so
    # that is tested against a server with SCRAM, test_scram_logins.py.)
    submit(qtbot, window, manager, PASSWORD)

    assert window.ctx.actor.name == manager and window.ctx.actor.role.value == "manager"
    assert window.db.login == manager
    with window.db.uow() as uow:  # whatever the station writes now is the manager's
        uow.session.add(AuditEvent.of(SYSTEM, entity="note", entity_id=None, action="probe"))
        uow.commit()
    with people.owner.engine.connect() as conn:
        assert conn.scalar(sa.select(AuditEvent.actor_name)
                           .where(AuditEvent.action == "probe")) == manager


def test_an_admin_adds_a_person_with_their_own_database_login(qtbot, people, window):
    from oms_desktop.ui.screens.settings import SettingsScreen

    admin = people.names["admin"]
    window.switch_user()
    submit(qtbot, window, admin, PASSWORD)
    screen = SettingsScreen(window.ctx)
    qtbot.addWidget(screen)
    panel = screen.users
    qtbot.waitUntil(lambda: panel.password.isEnabled(), timeout=5000)
    newcomer = f"{people.prefix}_kim"
    people.names["kim"] = newcomer  # dropped with the others at the end
    panel.username.setText(newcomer)
    panel.role.setCurrentText("packer")
    panel.secret.setText("5678")
    panel.password.setText("kims own password")
    panel.add_user()
    qtbot.waitUntil(lambda: newcomer in [u.username for u in panel.rows], timeout=10000)

    kim_db, kim = identity.connect(people.owner, username=newcomer, password="kims own password")
    assert kim.role.value == "packer"
    kim_db.dispose()
