"""`db upgrade`, `db current`, `db init-roles`."""

from __future__ import annotations

from oms_desktop.cli.output import emit, open_db
from oms_desktop.errors import ValidationError
from oms_desktop.storage import access, migrate
from oms_desktop.storage.access.tables import GROUPS


def register(commands, common) -> None:
    db = commands.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", metavar="ACTION", required=True)
    db.add_parser("upgrade", parents=[common], help="apply pending migrations").set_defaults(
        handler=_upgrade)
    db.add_parser("current", parents=[common], help="show the schema revision").set_defaults(
        handler=_current)
    down = db.add_parser("downgrade", parents=[common],
                         help="go back to an earlier schema revision (all of it or nothing)")
    down.add_argument("revision", metavar="REVISION")
    down.set_defaults(handler=_downgrade)
    db.add_parser("init-roles", parents=[common],
                  help="PostgreSQL: create the role groups and grant this database to them "
                  "(as its owner; idempotent)").set_defaults(handler=_init_roles)


def _upgrade(args) -> int:
    database = open_db(args, upgrade=False, create=True)
    ran = migrate.upgrade(database)
    result = {"database": database.display_url, "upgraded": ran,
              "revision": sorted(migrate.current(database))}
    emit(args, result, rows=[[result["database"], ", ".join(result["revision"]),
                              "upgraded" if ran else "already current"]],
         headers=["database", "revision", "result"])
    return 0


def _downgrade(args) -> int:
    database = open_db(args, upgrade=False)
    migrate.downgrade(database, args.revision)
    result = {"database": database.display_url, "revision": sorted(migrate.current(database))}
    emit(args, result, rows=[[result["database"], ", ".join(result["revision"])]],
         headers=["database", "revision"])
    return 0


def _current(args) -> int:
    database = open_db(args, upgrade=False, require_schema=False)
    now, heads = migrate.current(database), migrate.heads(database)
    result = {"database": database.display_url, "revision": sorted(now),
              "head": sorted(heads), "up_to_date": now == heads}
    emit(args, result, rows=[[result["database"], ", ".join(result["revision"]) or "(empty)",
                              "yes" if now == heads else "no"]],
         headers=["database", "revision", "up to date"])
    return 0


def _init_roles(args) -> int:
    database = open_db(args)
    if database.is_sqlite:
        raise ValidationError("Roles are PostgreSQL's: on SQLite the file's permissions decide "
                              "who may open it")
    done = access.init_roles(database)
    result = {"database": done.database, "tables": done.tables, "undeclared": done.undeclared,
              "groups": GROUPS}
    emit(args, result, rows=[[done.database, done.tables, ", ".join(done.undeclared) or "-"]],
         headers=["database", "tables granted", "undeclared (owner only)"])
    return 0
