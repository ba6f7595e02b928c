"""Proving who one is with a PIN or password checked against its argon2 hash (SQLite, or a
PostgreSQL database used through one shared login), and the quick PIN unlock of a station
someone is already signed in at. Every wrong secret counts towards the lockout: after
`users.lockout_attempts` (5) the user is locked for `users.lockout_minutes` (15), recorded in
the audit trail; an admin can unlock sooner. On PostgreSQL with people's own logins the
password is the login's own (identity.connect) and only one's own PIN is checked here."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import PermissionDenied
from oms_desktop.model import Actor, User, utcnow
from oms_desktop.policies import lockout
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.services.users import identity
from oms_desktop.services.users.accounts import MIN_PASSWORD, audit_user, get_user
from oms_desktop.services.users.passwords import verify_secret
from oms_desktop.storage import Database
from oms_desktop.storage.access import logins

WRONG_SECRET = "Wrong PIN or password"
OWN_LOGIN_ONLY = ("On this database each person signs in with their own database login: "
                  "type your own password at the sign-in screen")


def sign_in(db: Database, *, username: str, secret: str, station: str | None = None) -> Actor:
    """The Actor of a user whose PIN or password matches; refused otherwise."""
    with db.uow() as uow:
        user = _prove(uow, username, secret, station)
        actor = user.as_actor(station)
        audit_user(uow.session, actor, user, "sign_in")
        uow.commit()
        return actor


def unlock(db: Database, *, actor: Actor, secret: str) -> Actor:
    """Unlock a station `actor` is signed in at, with their PIN (or password on SQLite)."""
    with db.uow() as uow:
        user = _prove(uow, actor.name, secret, actor.station)
        audit_user(uow.session, actor, user, "unlock_station")
        uow.commit()
        return actor


def at_station(db: Database, *, username: str, secret: str, station: str | None,
               current: Actor | None = None) -> Actor:
    """Sign in at a station's sign-in page. Where people have their own database logins, the
    person already signed in unlocks with their PIN, and a password signs in with that
    person's own login: the station's connection becomes theirs."""
    if not identity.person_logins(db):
        return sign_in(db, username=username, secret=secret, station=station)
    name = (username or "").strip().lower()
    if current is not None and name == current.name and _is_pin(secret):
        return unlock(db, actor=current, secret=secret)
    theirs, actor = identity.connect(db, username=name, password=secret, station=station)
    db.adopt(theirs)
    return actor


def _is_pin(secret: str) -> bool:
    return secret.isdigit() and len(secret) < MIN_PASSWORD


def unlock_user(db: Database, *, actor: Actor, user_id: int) -> None:
    """An admin lifts a lockout before it ends."""
    require(actor, "users.manage")
    with db.uow() as uow:
        user = get_user(uow.session, user_id)
        user.failed_attempts, user.locked_until = 0, None
        audit_user(uow.session, actor, user, "unlock")
        uow.commit()


def _prove(uow, username: str, secret: str, station: str | None) -> User:
    """The user, with their failed count reset; a wrong secret is counted (and committed)
    before the refusal."""
    s, now = uow.session, utcnow()
    user = s.scalar(sa.select(User).where(User.username == (username or "").strip().lower())
                    .with_for_update())
    if user is not None and lockout.is_locked(user.locked_until, now):
        raise PermissionDenied(lockout.locked_message(user.username, user.locked_until))
    if user is None or not user.active or not verify_secret(_stored_hash(s, user), secret):
        if user is not None:
            _count_failure(s, user, station, now)
            uow.commit()
        raise PermissionDenied(WRONG_SECRET)
    user.failed_attempts = 0
    return user


def _stored_hash(session: Session, user: User) -> str | None:
    """The hash to check against. A person's own login reads only their own, through a
    function: the column itself is readable by no person."""
    if logins.person_role(session) is None:
        return user.password_hash
    if user.username != logins.current_login(session):
        raise PermissionDenied(OWN_LOGIN_ONLY)
    return session.scalar(sa.text("SELECT oms_own_secret_hash()"))


def _count_failure(session: Session, user: User, station: str | None, now: datetime) -> None:
    after = lockout.after_failure(user.failed_attempts, _rule(session), now)
    user.failed_attempts, user.locked_until = after.failed_attempts, after.locked_until
    if after.locks:
        who = Actor(user.username, user.role, user.id, station, source="lockout")
        audit_user(session, who, user, "locked", {"until": after.locked_until.isoformat()})


def _rule(session: Session) -> lockout.LockoutRule:
    return lockout.LockoutRule.from_settings(
        settings.get(session, "users.lockout_attempts", lockout.DEFAULT_ATTEMPTS),
        settings.get(session, "users.lockout_minutes", lockout.DEFAULT_MINUTES))
