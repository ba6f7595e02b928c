"""Each person's own PostgreSQL login, changed inside the caller's transaction (role changes
are transactional in PostgreSQL, so a failed step leaves no login half made). Passwords are
sent as SCRAM-SHA-256 verifiers computed here: the plain password never reaches the server
or its logs. An admin's login may create roles (it adds people); on PostgreSQL 15 that
attribute is powerful, so only admins get it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.storage.access import grants
from oms_desktop.storage.access.grants import run
from oms_desktop.storage.access.tables import GROUPS, group
from oms_desktop.values import Role


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def in_use(session: Session) -> bool:
    """Whether people have their own logins on this database (`db init-roles` ran here)."""
    return is_postgres(session) and grants.in_use(session.connection())


def current_login(session: Session) -> str | None:
    return session.scalar(sa.text("SELECT current_user")) if is_postgres(session) else None


def person_role(session: Session) -> Role | None:
    """The role of the person whose own login this connection is: the highest group it is
    in. None on SQLite and for a login in no group (the schema's owner, a superuser)."""
    if not is_postgres(session):
        return None
    names = set(session.scalars(sa.text(
        "SELECT g.rolname FROM pg_roles g WHERE g.rolname = ANY(:groups) "
        "AND pg_has_role(current_user, g.oid, 'MEMBER') "
        "AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"),
        {"groups": GROUPS}))
    roles = [role for role in Role if group(role) in names]
    return max(roles, key=lambda r: r.rank) if roles else None


def login_exists(session: Session, username: str) -> bool:
    return session.scalar(sa.text("SELECT count(*) FROM pg_roles WHERE rolname = :name"),
                          {"name": username}) > 0


def create_login(session: Session, username: str, password: str, role: Role) -> None:
    run(session.connection(), [f"CREATE ROLE {_quote(session, username)} LOGIN "
                               f"PASSWORD '{_verifier(session, username, password)}'"])
    set_group(session, username, role)


def set_group(session: Session, username: str, role: Role) -> None:
    name = _quote(session, username)
    others = [g for g in GROUPS if g != group(role)]
    creates = "CREATEROLE" if role == Role.admin else "NOCREATEROLE"
    run(session.connection(), [f"REVOKE {', '.join(others)} FROM {name}",
                               f"GRANT {group(role)} TO {name}",
                               f"ALTER ROLE {name} {creates}"])


def set_password(session: Session, username: str, password: str) -> None:
    run(session.connection(), [f"ALTER ROLE {_quote(session, username)} PASSWORD "
                               f"'{_verifier(session, username, password)}'"])


def allow_login(session: Session, username: str, allowed: bool) -> None:
    run(session.connection(),
        [f"ALTER ROLE {_quote(session, username)} {'LOGIN' if allowed else 'NOLOGIN'}"])


def _quote(session: Session, name: str) -> str:
    return session.get_bind().dialect.identifier_preparer.quote_identifier(name)


def _verifier(session: Session, username: str, password: str) -> str:
    pgconn = session.connection().connection.dbapi_connection.pgconn
    return pgconn.encrypt_password(password.encode(), username.encode(),
                                   b"scram-sha-256").decode()
