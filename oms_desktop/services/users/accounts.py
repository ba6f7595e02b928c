"""People who sign in: the first admin, managing users, and each user's own preferences (saved
queue views). On a PostgreSQL database whose people have their own logins (`db init-roles`),
adding a user also creates their login (a password of its own) in the group of their role;
a role change moves it to another group and deactivating refuses it the login. The PIN stays
in the users table for the quick unlock of a station they are signed in at."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import NotFound, PermissionDenied, ValidationError
from oms_desktop.model import Actor, AuditEvent, Role, User, UserSite
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.services.lookup import location_by_code
from oms_desktop.services.users.passwords import hash_secret
from oms_desktop.storage import Database
from oms_desktop.storage.access import logins

MIN_SECRET = 4
MIN_PASSWORD = 8


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: str
    active: bool


def _view(user: User) -> UserView:
    return UserView(user.id, user.username, user.display_name, user.role.value, user.active)


def _check_secret(secret: str) -> None:
    if len(secret or "") < MIN_SECRET:
        raise ValidationError(f"A PIN or password needs at least {MIN_SECRET} characters")


def _check_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not name or not name.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValidationError("A user name is letters and digits (with . - _), no spaces")
    return name


def own_logins(db: Database) -> bool:
    """Whether people have their own database logins here (PostgreSQL, `db init-roles`)."""
    if db.is_sqlite:
        return False
    with db.uow(readonly=True) as uow:
        return logins.in_use(uow.session)


def has_users(db: Database) -> bool:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(sa.func.count(User.id))) > 0


def list_users(db: Database, *, include_inactive: bool = False) -> list[UserView]:
    """Who may sign in here (shown at the sign-in screen before anyone is signed in)."""
    with db.uow(readonly=True) as uow:
        query = sa.select(User).order_by(User.display_name, User.id)
        if not include_inactive:
            query = query.where(User.active.is_(True))
        return [_view(u) for u in uow.session.scalars(query)]


def create_first_admin(db: Database, *, username: str, display_name: str, secret: str,
                       station: str | None = None, password: str | None = None) -> UserView:
    """The admin account of a fresh database; refused once any user exists."""
    _check_secret(secret)
    with db.uow() as uow:
        s = uow.session
        if s.scalar(sa.select(sa.func.count(User.id))):
            raise PermissionDenied("Users exist already: an admin adds new users in Settings")
        user = _add(s, username=username, display_name=display_name, role=Role.admin,
                    secret=secret, password=password)
        audit_user(s, user.as_actor(station), user, "create_first_admin")
        uow.commit()
        return _view(user)


def create_user(db: Database, *, actor: Actor, username: str, display_name: str, role: str,
                secret: str, password: str | None = None) -> UserView:
    """A new user with a PIN (`secret`); where people have their own database logins, also
    their login with `password`."""
    require(actor, "users.manage")
    _check_secret(secret)
    with db.uow() as uow:
        user = _add(uow.session, username=username, display_name=display_name,
                    role=_role(role), secret=secret, password=password)
        audit_user(uow.session, actor, user, "create", {"role": user.role.value})
        uow.commit()
        return _view(user)


def update_user(db: Database, *, actor: Actor, user_id: int, display_name: str | None = None,
                role: str | None = None, active: bool | None = None) -> UserView:
    """Rename, change role, or (de)activate; the last active admin cannot be taken away."""
    require(actor, "users.manage")
    with db.uow() as uow:
        s = uow.session
        user = get_user(s, user_id)
        changes: dict[str, Any] = {}
        if display_name is not None and display_name.strip():
            user.display_name = changes["display_name"] = display_name.strip()
        if role is not None and _role(role) != user.role:
            user.role = _role(role)
            changes["role"] = user.role.value
        if active is not None and active != user.active:
            user.active = changes["active"] = active
        s.flush()
        _keep_an_admin(s)
        _follow_login(s, user, changes)
        audit_user(s, actor, user, "update", changes)
        uow.commit()
        return _view(user)


def set_secret(db: Database, *, actor: Actor, user_id: int, secret: str) -> None:
    """A user changes their own PIN; an admin may reset anyone's."""
    if actor.user_id != user_id:
        require(actor, "users.manage")
    _check_secret(secret)
    with db.uow() as uow:
        user = get_user(uow.session, user_id)
        user.password_hash = hash_secret(secret)
        audit_user(uow.session, actor, user, "set_secret")
        uow.commit()


def set_password(db: Database, *, actor: Actor, user_id: int, password: str) -> None:
    """The password of a person's own database login: their own, or anyone's for an admin."""
    if actor.user_id != user_id:
        require(actor, "users.manage")
    _check_password(password)
    with db.uow() as uow:
        s = uow.session
        if not logins.in_use(s):
            raise ValidationError("This database has no logins of its own per person: "
                                  "set the PIN or password instead")
        user = get_user(s, user_id)
        logins.set_password(s, user.username, password)
        audit_user(s, actor, user, "set_password")
        uow.commit()


def set_sites(db: Database, *, actor: Actor, user_id: int, locations: list[str]) -> list[str]:
    """Limit a user to the sites under these locations (brands, regions or sites); an empty
    list lifts the limit. On PostgreSQL row-level security enforces it for their login."""
    require(actor, "users.manage")
    with db.uow() as uow:
        s = uow.session
        user = get_user(s, user_id)
        places = [location_by_code(s, code) for code in locations]
        s.execute(sa.delete(UserSite).where(UserSite.user_id == user.id))
        s.add_all(UserSite(user_id=user.id, location_id=p.id) for p in places)
        audit_user(s, actor, user, "set_sites", {"locations": [p.code for p in places]})
        uow.commit()
        return [p.code for p in places]


def _follow_login(session: Session, user: User, changes: dict[str, Any]) -> None:
    """The person's database login follows their role and whether they are active."""
    if not logins.in_use(session):
        return
    if "role" in changes:
        logins.set_group(session, user.username, user.role)
    if "active" in changes:
        logins.allow_login(session, user.username, user.active)


def _check_password(password: str | None) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError(f"A database password needs at least {MIN_PASSWORD} characters")


# -- each user's own preferences -------------------------------------------------------------

def _pref_key(actor: Actor, name: str) -> str:
    if actor.user_id is None:
        raise ValidationError("Preferences belong to a signed-in user")
    return f"user.{actor.user_id}.{name}"


def get_preference(db: Database, *, actor: Actor, name: str, default: Any = None) -> Any:
    return settings.read(db, _pref_key(actor, name), default)


def put_preference(db: Database, *, actor: Actor, name: str, value: Any) -> None:
    """A user's own setting (saved views, column widths): no permission beyond being them."""
    key = _pref_key(actor, name)
    with db.uow() as uow:
        settings.put(uow.session, key, value)
        uow.commit()


# -- session helpers ---------------------------------------------------------------------------

def _role(value: str | Role) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationError(f"Unknown role {value!r}: one of {', '.join(Role)}") from None


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}")
    return user


def _add(session: Session, *, username: str, display_name: str, role: Role,
         secret: str, password: str | None = None) -> User:
    name = _check_username(username)
    if session.scalar(sa.select(User.id).where(User.username == name)) is not None:
        raise ValidationError(f"The user name {name!r} is taken")
    user = User(username=name, display_name=(display_name or name).strip(), role=role,
                password_hash=hash_secret(secret))
    session.add(user)
    session.flush()
    if logins.in_use(session):
        _check_password(password)
        if logins.login_exists(session, name):
            raise ValidationError(f"A database login {name!r} exists already on this server")
        logins.create_login(session, name, password, role)
    return user


def _keep_an_admin(session: Session) -> None:
    admins = session.scalar(sa.select(sa.func.count(User.id))
                            .where(User.role == Role.admin, User.active.is_(True)))
    if not admins:
        raise ValidationError("At least one active admin must remain")


def audit_user(session: Session, actor: Actor, user: User, action: str,
           detail: dict | None = None) -> None:
    session.add(AuditEvent.of(actor, entity="user", entity_id=user.id, action=action,
                              detail=detail or None))
