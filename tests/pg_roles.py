"""A PostgreSQL database of its own where every person has their own login, for the tests of
who may do what. Login names are unique to the test session (roles are cluster-wide and other
sessions share the server); the database and the logins are dropped at the end."""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import dataclass, field
from typing import Callable, Iterator

import psycopg
import pytest
import sqlalchemy as sa

from oms_desktop.model import Actor
from oms_desktop.services.users import accounts, identity
from oms_desktop.storage import Database, access
from oms_desktop.storage.changes import libpq_params
from oms_desktop.storage.migrate import upgrade

PG_URL = os.environ.get("OMS_TEST_POSTGRES_URL")
PASSWORD = "correct horse battery"
PINS = {"packer": "4444", "supervisor": "3333", "manager": "2222", "admin": "1111"}


@dataclass
class People:
    """The owner's database, and each person's login name, URL and own Database."""

    owner: Database
    prefix: str
    names: dict[str, str] = field(default_factory=dict)
    dbs: dict[str, Database] = field(default_factory=dict)

    def url(self, who: str) -> str:
        return sa.engine.make_url(self.owner.url).set(
            username=self.names[who], password=PASSWORD).render_as_string(hide_password=False)


    def db(self, who: str) -> Database:
        if who not in self.dbs:
            self.dbs[who] = Database(self.url(who))
        return self.dbs[who]

    def actor(self, who: str, station: str = "PACK-1") -> Actor:
        return identity.whoami(self.db(who), station=station)

    def add(self, who: str, role: str) -> str:
        name = self.names[who] = f"{self.prefix}_{who}"
        admin = identity.whoami(self.owner)
        accounts.create_user(self.owner, actor=admin, username=name, display_name=who.title(),
                             role=role, secret=PINS.get(role, "9999"), password=PASSWORD)
        return name

    def sql(self, who: str) -> psycopg.Connection:
        return psycopg.connect(autocommit=True, **libpq_params(self.url(who)))


@contextlib.contextmanager
def people_database(build: Callable[[Database], None],
                    server_url: str | None = PG_URL) -> Iterator[People]:
    """A fresh database built by `build` (as its owner), granted to the groups, with a login
    for a packer, a supervisor, a manager and an admin."""
    if not server_url:
        pytest.skip("PostgreSQL not configured (set OMS_TEST_POSTGRES_URL)")
    server = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    tag = f"t{os.getpid()}{uuid.uuid4().hex[:4]}"
    name = f"oms_roles_{tag}"
    with server.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    owner = Database(sa.engine.make_url(server_url).set(database=name)
                     .render_as_string(hide_password=False))
    people = People(owner, tag)
    try:
        upgrade(owner)
        build(owner)
        access.init_roles(owner)
        for role in ("packer", "supervisor", "manager", "admin"):
            people.add(role, role)
        yield people
    finally:
        for db in [*people.dbs.values(), owner]:
            db.dispose()
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for login in people.names.values():
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')
        server.dispose()
