import pytest

from oms_desktop.errors import PermissionDenied, ValidationError
from oms_desktop.model import Actor, Role
from oms_desktop.services.users import accounts as users
from oms_desktop.services.users import signin


@pytest.fixture
def admin(db):
    users.create_first_admin(db, username="Ada", display_name="Ada Admin", secret="1234")
    return signin.sign_in(db, username="ada", secret="1234", station="PACK-1")


def test_the_first_admin_can_be_created_only_on_an_empty_users_table(db):
    assert not users.has_users(db)
    made = users.create_first_admin(db, username="ada", display_name="Ada", secret="1234")
    assert made.role == "admin" and users.has_users(db)
    with pytest.raises(PermissionDenied, match="Users exist already"):
        users.create_first_admin(db, username="eve", display_name="Eve", secret="9999")


def test_signing_in_with_the_right_pin_gives_an_actor_with_role_and_station(db, admin):
    assert (admin.name, admin.role, admin.station) == ("ada", Role.admin, "PACK-1")
    assert admin.user_id is not None


def test_a_wrong_pin_or_an_unknown_user_is_refused_with_the_same_message(db, admin):
    with pytest.raises(PermissionDenied, match="Wrong PIN or password"):
        signin.sign_in(db, username="ada", secret="0000")
    with pytest.raises(PermissionDenied, match="Wrong PIN or password"):
        signin.sign_in(db, username="nobody", secret="1234")


def test_pins_are_stored_hashed_never_in_plain_text(db, admin):
    import sqlalchemy as sa
    with db.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM users")).scalar_one()
    assert "1234" not in stored and stored.startswith("$argon2id$")


def test_an_admin_adds_users_and_a_packer_may_not(db, admin):
    packer = users.create_user(db, actor=admin, username="pat", display_name="Pat",
                               role="packer", secret="4321")
    pat = signin.sign_in(db, username="pat", secret="4321")
    assert pat.role == Role.packer
    with pytest.raises(PermissionDenied, match="users manage"):
        users.create_user(db, actor=pat, username="mallory", display_name="M", role="admin",
                          secret="0000")
    with pytest.raises(PermissionDenied):
        users.update_user(db, actor=pat, user_id=packer.id, role="admin")
    assert [u.username for u in users.list_users(db)] == ["ada", "pat"]


def test_a_deactivated_user_cannot_sign_in_and_is_not_listed(db, admin):
    pat = users.create_user(db, actor=admin, username="pat", display_name="Pat",
                            role="packer", secret="4321")
    users.update_user(db, actor=admin, user_id=pat.id, active=False)
    with pytest.raises(PermissionDenied):
        signin.sign_in(db, username="pat", secret="4321")
    assert [u.username for u in users.list_users(db)] == ["ada"]
    assert len(users.list_users(db, include_inactive=True)) == 2


def test_the_last_active_admin_cannot_be_demoted(db, admin):
    with pytest.raises(ValidationError, match="one active admin"):
        users.update_user(db, actor=admin, user_id=admin.user_id, role="manager")
    assert users.list_users(db)[0].role == "admin"


def test_short_pins_and_taken_names_are_refused(db, admin):
    with pytest.raises(ValidationError, match="at least 4"):
        users.create_user(db, actor=admin, username="pat", display_name="Pat", role="packer",
                          secret="12")
    with pytest.raises(ValidationError, match="taken"):
        users.create_user(db, actor=admin, username="ADA", display_name="Ada 2",
                          role="packer", secret="1234")


def test_a_user_changes_their_own_pin_but_not_someone_elses(db, admin):
    made = users.create_user(db, actor=admin, username="pat", display_name="Pat",
                             role="packer", secret="4321")
    pat = signin.sign_in(db, username="pat", secret="4321")
    users.set_secret(db, actor=pat, user_id=made.id, secret="5555")
    assert signin.sign_in(db, username="pat", secret="5555").name == "pat"
    with pytest.raises(PermissionDenied):
        users.set_secret(db, actor=pat, user_id=admin.user_id, secret="6666")


def test_preferences_are_kept_per_user(db, admin):
    pat_view = users.create_user(db, actor=admin, username="pat", display_name="Pat",
                                 role="packer", secret="4321")
    pat = signin.sign_in(db, username="pat", secret="4321")
    users.put_preference(db, actor=pat, name="orders.views", value={"Late": {"ship_by": "overdue"}})
    assert users.get_preference(db, actor=pat, name="orders.views") == {
        "Late": {"ship_by": "overdue"}}
    assert users.get_preference(db, actor=admin, name="orders.views", default={}) == {}
    assert pat_view.id == pat.user_id


def audit_actions(db, username: str) -> list[str]:
    import sqlalchemy as sa

    from oms_desktop.model import AuditEvent, User
    with db.engine.connect() as conn:
        user_id = conn.scalar(sa.select(User.id).where(User.username == username))
        return list(conn.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.entity == "user", AuditEvent.entity_id == user_id)
            .order_by(AuditEvent.id)))


def test_five_wrong_pins_lock_the_user_even_against_the_right_one_until_an_admin_unlocks(
        db, admin):
    made = users.create_user(db, actor=admin, username="pat", display_name="Pat",
                             role="packer", secret="4321")
    for _ in range(5):
        with pytest.raises(PermissionDenied, match="Wrong PIN"):
            signin.sign_in(db, username="pat", secret="0000")
    with pytest.raises(PermissionDenied, match="pat is locked .* an admin can unlock"):
        signin.sign_in(db, username="pat", secret="4321")
    assert audit_actions(db, "pat")[-1] == "locked"
    with pytest.raises(PermissionDenied, match="users manage"):
        signin.unlock_user(db, actor=Actor("pat", Role.packer, made.id), user_id=made.id)

    signin.unlock_user(db, actor=admin, user_id=made.id)

    assert signin.sign_in(db, username="pat", secret="4321").name == "pat"
    assert audit_actions(db, "pat")[-2:] == ["unlock", "sign_in"]


def test_the_lock_ends_after_the_configured_minutes_and_a_right_pin_resets_the_count(
        db, admin, monkeypatch):
    from datetime import timedelta

    from oms_desktop.services import settings
    from oms_desktop.services.users import signin as module
    settings.write(db, actor=admin, key="users.lockout_minutes", value=2)
    users.create_user(db, actor=admin, username="pat", display_name="Pat", role="packer",
                      secret="4321")
    for _ in range(4):
        with pytest.raises(PermissionDenied, match="Wrong PIN"):
            signin.sign_in(db, username="pat", secret="0000")
    signin.sign_in(db, username="pat", secret="4321")  # the count starts again
    for _ in range(4):
        with pytest.raises(PermissionDenied, match="Wrong PIN"):
            signin.sign_in(db, username="pat", secret="0000")
    with pytest.raises(PermissionDenied, match="Wrong PIN"):
        signin.sign_in(db, username="pat", secret="0000")  # the fifth in a row locks
    with pytest.raises(PermissionDenied, match="locked"):
        signin.sign_in(db, username="pat", secret="4321")
    later = module.utcnow() + timedelta(minutes=2, seconds=1)
    monkeypatch.setattr(module, "utcnow", lambda: later)
    assert signin.sign_in(db, username="pat", secret="4321").name == "pat"


def test_a_signed_in_station_unlocks_with_the_same_persons_pin_with_lockout(db, admin):
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            signin.unlock(db, actor=admin, secret="9999")
    with pytest.raises(PermissionDenied, match="locked"):
        signin.unlock(db, actor=admin, secret="1234")


def test_a_setting_a_role_may_not_change_is_refused_by_the_service(db, admin):
    from oms_desktop.services import settings
    manager = Actor("morgan", Role.manager)
    settings.write(db, actor=manager, key="lock.idle_minutes", value=5)
    with pytest.raises(PermissionDenied, match="lock.idle_minutes: a manager"):
        settings.write(db, actor=Actor("pat", Role.packer), key="lock.idle_minutes", value=0)
    with pytest.raises(PermissionDenied, match="users.lockout_minutes: an admin"):
        settings.write(db, actor=manager, key="users.lockout_minutes", value=1)
    assert settings.read(db, "lock.idle_minutes") == 5
