"""Who a connection is. On PostgreSQL with people's own logins, the person is the login the
connection uses and their role the group it is in: nothing a caller builds can change either.
The schema's owner (or a superuser) acts as an admin under its own name; any other login
outside the groups is refused."""

from __future__ import annotations

import sqlalchemy as sa

from oms_desktop.errors import DatabaseUnavailable, PermissionDenied
from oms_desktop.model import Actor, Role, User, utcnow
from oms_desktop.policies import lockout
from oms_desktop.storage import Database
from oms_desktop.storage.access import logins

WRONG_PASSWORD = "Wrong user name or password"
AUTH_FAILURES = ("authentication failed", "not permitted to log in", 'role "',
                 "no password supplied", "pg_hba.conf")


def is_auth_failure(exc: Exception) -> bool:
    """The server refused the user name or password (said the same way for both)."""
    return any(text in str(exc) for text in AUTH_FAILURES)


def person_logins(db: Database) -> bool:
    """Whether this connection is a person's own login (PostgreSQL, `db init-roles` done)."""
    if db.is_sqlite:
        return False
    with db.uow(readonly=True) as uow:
        return logins.person_role(uow.session) is not None


def whoami(db: Database, *, station: str | None = None) -> Actor | None:
    """The person this PostgreSQL connection is; None on SQLite (a user signs in there)."""
    if db.is_sqlite:
        return None
    with db.uow(readonly=True) as uow:
        s = uow.session
        name, role = logins.current_login(s), logins.person_role(s)
        row = s.execute(sa.select(User.id, User.locked_until).where(User.username == name)).first()
        if role is None:
            role = _owner_role(s, name)
        elif row is not None and lockout.is_locked(row.locked_until, utcnow()):
            raise PermissionDenied(lockout.locked_message(name, row.locked_until))
        return Actor(name, role, row.id if row else None, station)


def _owner_role(session, name: str) -> Role:
    owner = session.scalar(sa.text(
        "SELECT pg_has_role(current_user, tableowner, 'MEMBER') FROM pg_tables "
        "WHERE schemaname = current_schema() AND tablename = 'users'"))
    if not owner:
        raise PermissionDenied(f"The database login {name} belongs to no oms group: an admin "
                               "adds people with `oms-desktop users add`")
    return Role.admin


def connect(db: Database, *, username: str, password: str,
            station: str | None = None) -> tuple[Database, Actor]:
    """A connection of its own for `username` with their password, and who it is. The caller
    disposes of it (or adopts it for the station)."""
    name = (username or "").strip().lower()
    other = db.for_login(name, password)
    try:
        other.check()
        person = whoami(other, station=station)
    except DatabaseUnavailable as exc:
        other.dispose()
        if is_auth_failure(exc):
            _note_failure(db, name, station)
            raise PermissionDenied(WRONG_PASSWORD) from None
        raise
    except PermissionDenied:
        other.dispose()
        raise
    _clear_failures(other)
    return other, person


def _note_failure(db: Database, name: str, station: str | None) -> None:
    """A wrong password typed at a station signed in with a person's login counts towards
    that user's lockout (recorded in the database, whoever is signed in there)."""
    if not person_logins(db):
        return
    with db.uow() as uow:
        uow.session.execute(sa.text("SELECT oms_sign_in_failed(:who, :station)"),
                            {"who": name, "station": station})
        uow.commit()


def _clear_failures(db: Database) -> None:
    """The right password starts the count again (each person may update their own row)."""
    with db.uow() as uow:
        mine = User.username == sa.literal_column("current_user")
        uow.session.execute(sa.update(User).where(mine).values(failed_attempts=0))
        uow.commit()
