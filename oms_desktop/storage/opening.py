"""Opening the database the user chose and bringing its schema up to date. Whether the schema
is current is answered without importing Alembic (whose import costs a third of a second at
every start): the code's heads are read from the version files' source, the database's from
its alembic_version table; Alembic is loaded only when there is something to migrate."""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from oms_desktop.errors import DatabaseUnavailable
from oms_desktop.storage.database import Database, require_sqlite_schema, resolve_url

VERSIONS = Path(__file__).with_name("migrations") / "versions"


@lru_cache(maxsize=1)
def declared_heads() -> frozenset[str]:
    """The revisions no other revision names as its parent."""
    revisions, parents = set(), set()
    for path in VERSIONS.glob("*.py"):
        for node in _header(path.read_text(encoding="utf-8")).body:
            target = node.targets[0] if isinstance(node, ast.Assign) else getattr(
                node, "target", None)
            name = getattr(target, "id", None)
            if name in ("revision", "down_revision") and node.value is not None:
                value = ast.literal_eval(node.value) or ()
                names = {value} if isinstance(value, str) else set(value)
                (revisions if name == "revision" else parents).update(names)
    return frozenset(revisions - parents)


def _header(source: str) -> ast.Module:
    """The statements before the first function (where Alembic files name their revisions):
    parsing only those keeps the check at a millisecond instead of tens."""
    cut = source.find("\ndef ")
    try:
        return ast.parse(source if cut < 0 else source[:cut])
    except SyntaxError:
        return ast.parse(source)


def recorded_heads(db: Database) -> set[str]:
    """What the database says it is at; empty for a new database."""
    if not sa.inspect(db.engine).has_table("alembic_version"):
        return set()
    try:
        with db.engine.connect() as conn:
            return {r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    except DBAPIError:
        return set()


def is_current(db: Database) -> bool:
    recorded = recorded_heads(db)
    return bool(recorded) and recorded == declared_heads()


def open_database(url: str | None = None, *, upgrade: bool = True, echo: bool = False,
                  create: bool = True, require_schema: bool | None = None) -> Database:
    """Open the database the user chose and bring its schema up to date. With create=False
    (every command but `db upgrade` and `demo`) a database that does not exist is refused
    instead of being made, and so is one without the oms-desktop schema (unless
    require_schema=False: `db current` reports an empty one)."""
    db = Database(resolve_url(url), echo=echo, create=create)
    required = not create if require_schema is None else require_schema
    if required and db.sqlite_file is not None:
        require_sqlite_schema(db.sqlite_file)  # read-only, before our connection changes it
    db.check()
    if required and not recorded_heads(db):
        db.dispose()
        raise DatabaseUnavailable(
            f"{db.display_url} is not an oms-desktop database (it has no schema): check --db, "
            "or create the schema with `oms-desktop db upgrade`")
    if upgrade and not is_current(db):
        from oms_desktop.storage.migrate import upgrade as run_upgrade  # loads Alembic

        run_upgrade(db)
    return db
