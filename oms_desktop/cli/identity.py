"""Who a command acts as: the one place every command module takes its actor from.

On PostgreSQL the person is the database login the command connects with (the URL's user, its
password from the URL, $PGPASSWORD or ~/.pgpass): the database itself checks what they may do
and stamps them in the audit trail. On SQLite it is the user named by --user or $OMS_USER, who
proves it with their PIN or password, typed at the prompt or taken from $OMS_PIN in scripts,
with the same lockout as the sign-in screen. A command that changes data refuses to run
without an identity; one that only reads may run without one on SQLite."""

from __future__ import annotations

import getpass
import os
import socket
import sys

from oms_desktop.cli.output import CliFailure, fail, open_db
from oms_desktop.model import Actor, Role
from oms_desktop.services.users import identity, signin
from oms_desktop.storage import Database

ENV_USER, ENV_PIN = "OMS_USER", "OMS_PIN"
NO_IDENTITY = ("this command changes data, so it needs to know who you are: give --user NAME "
               f"(or set {ENV_USER}) and type your PIN when asked ({ENV_PIN} in scripts)")
ANONYMOUS = Actor("anonymous", Role.packer, source="cli")  # reads only


def acting(args, db: Database) -> Actor:
    """The person a state-changing command acts as; refused with one line if there is none."""
    person = identity.whoami(db, station=_station(args)) or _signed_in(args, db, required=True)
    return person.via("cli")


def viewer(args, db: Database) -> Actor:
    """Who a read-only command reads as: the person if known, else an anonymous reader."""
    person = identity.whoami(db, station=_station(args)) or _signed_in(args, db, required=False)
    return (person or ANONYMOUS).via("cli")


def _signed_in(args, db: Database, *, required: bool) -> Actor | None:
    name = getattr(args, "user", None) or os.environ.get(ENV_USER)
    if not name:
        if required:
            raise CliFailure(fail(NO_IDENTITY, code=2))
        return None
    secret = os.environ.get(ENV_PIN) or _prompt(name)
    return signin.sign_in(db, username=name, secret=secret, station=_station(args))


def _prompt(name: str) -> str:
    if not sys.stdin.isatty():
        raise CliFailure(fail(f"no PIN for {name}: set {ENV_PIN} or run the command in a "
                              "terminal", code=2))
    return getpass.getpass(f"PIN or password for {name}: ")


def _station(args) -> str:
    return getattr(args, "station", None) or socket.gethostname()


def open_acting(args) -> tuple[Database, Actor]:
    """The database and the person a state-changing command acts as."""
    db = open_db(args)
    return db, acting(args, db)


def open_reading(args) -> tuple[Database, Actor]:
    """The database and who a read-only command reads as."""
    db = open_db(args)
    return db, viewer(args, db)
