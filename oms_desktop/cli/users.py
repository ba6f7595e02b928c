"""`users add NAME --role ROLE [--name TEXT]`, `users list`, `users unlock NAME`,
`users sites NAME [LOCATION…]`, `users password NAME`.

The PIN (quick unlock) is asked for, or read from $OMS_NEW_PIN; where people have their own
PostgreSQL logins (`db init-roles`), so is the login's password ($OMS_NEW_PASSWORD). On an
empty database the first user is the admin and needs no one to vouch for them."""

from __future__ import annotations

import getpass
import os
import sys

from oms_desktop.cli.identity import acting, open_acting
from oms_desktop.cli.output import CliFailure, emit, fail, open_db
from oms_desktop.errors import NotFound
from oms_desktop.services.users import accounts, signin

ENV_PIN, ENV_PASSWORD = "OMS_NEW_PIN", "OMS_NEW_PASSWORD"


def register(commands, common) -> None:
    sub = commands.add_parser("users", help="people and their logins").add_subparsers(
        dest="users_command", metavar="ACTION", required=True)
    p = sub.add_parser("add", parents=[common], help="add a person (and their database login)")
    p.add_argument("username", metavar="NAME")
    p.add_argument("--role", required=True, choices=["packer", "supervisor", "manager", "admin"])
    p.add_argument("--name", dest="display_name", metavar="TEXT", help="the name shown")
    p.set_defaults(handler=_add)
    sub.add_parser("list", parents=[common], help="everyone, with their role").set_defaults(
        handler=_list)
    for verb, handler, text in (("unlock", _unlock, "lift a sign-in lockout"),
                                ("password", _password, "set a database login's password")):
        p = sub.add_parser(verb, parents=[common], help=text)
        p.add_argument("username", metavar="NAME")
        p.set_defaults(handler=handler)
    p = sub.add_parser("sites", parents=[common],
                       help="limit a person to the sites under these locations (none: all)")
    p.add_argument("username", metavar="NAME")
    p.add_argument("locations", metavar="LOCATION", nargs="*")
    p.set_defaults(handler=_sites)


def _add(args) -> int:
    db = open_db(args)
    first = db.is_sqlite and not accounts.has_users(db)
    if first and args.role != "admin":
        raise CliFailure(fail("the first user of a database is its admin: --role admin"))
    pin = _secret(ENV_PIN, f"PIN for {args.username}")
    password = _secret(ENV_PASSWORD, f"database password for {args.username}") \
        if accounts.own_logins(db) else None
    name = args.display_name or args.username
    if first:
        made = accounts.create_first_admin(db, username=args.username, display_name=name,
                                           secret=pin)
    else:
        made = accounts.create_user(db, actor=acting(args, db), username=args.username,
                                    display_name=name, role=args.role, secret=pin,
                                    password=password)
    emit(args, made, rows=[[made.username, made.display_name, made.role]],
         headers=["user", "name", "role"])
    return 0


def _list(args) -> int:
    rows = accounts.list_users(open_db(args), include_inactive=True)
    emit(args, rows, rows=[[u.username, u.display_name, u.role, "yes" if u.active else "no"]
                           for u in rows], headers=["user", "name", "role", "active"])
    return 0


def _unlock(args) -> int:
    db, actor = open_acting(args)
    signin.unlock_user(db, actor=actor, user_id=_user_id(db, args.username))
    emit(args, {"user": args.username, "unlocked": True}, rows=[[args.username, "unlocked"]],
         headers=["user", "result"])
    return 0


def _password(args) -> int:
    db, actor = open_acting(args)
    password = _secret(ENV_PASSWORD, f"new database password for {args.username}")
    accounts.set_password(db, actor=actor, user_id=_user_id(db, args.username),
                          password=password)
    emit(args, {"user": args.username, "password": "changed"},
         rows=[[args.username, "password changed"]], headers=["user", "result"])
    return 0


def _sites(args) -> int:
    db, actor = open_acting(args)
    codes = accounts.set_sites(db, actor=actor, user_id=_user_id(db, args.username),
                               locations=args.locations)
    emit(args, {"user": args.username, "sites": codes},
         rows=[[args.username, ", ".join(codes) or "every site"]], headers=["user", "sees"])
    return 0


def _user_id(db, username: str) -> int:
    for user in accounts.list_users(db, include_inactive=True):
        if user.username == username.strip().lower():
            return user.id
    raise NotFound(f"No user {username!r}")


def _secret(env: str, what: str) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise CliFailure(fail(f"no {what}: set {env} or run the command in a terminal", code=2))
    first, again = getpass.getpass(f"{what}: "), getpass.getpass("again: ")
    if first != again:
        raise CliFailure(fail("the two entries differ", code=2))
    return first
