"""The race fixture: a database of each kind and the stations that race on it. SQLite runs
with 4 stations, PostgreSQL with 2 and with 8."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from oms_desktop.storage import Database
from tests.conftest import empty_database_url
from tests.races.stations import Outcome, Stations

VARIANTS = {"sqlite-4": ("sqlite", 4), "pg-2": ("postgresql", 2), "pg-8": ("postgresql", 8)}


@dataclass
class Race:
    db: Database
    size: int
    stations: Stations

    def run(self, act, ctx: dict | None = None) -> list[Outcome]:
        return self.stations.race(act, self.db.url, ctx or {}, self.size)


@pytest.fixture(scope="session")
def stations():
    pool = Stations()
    yield pool
    pool.close()


@pytest.fixture(params=list(VARIANTS))
def race(request, stations, tmp_path, sqlite_template):
    kind, size = VARIANTS[request.param]
    db = Database(empty_database_url(request, kind, tmp_path, sqlite_template))
    yield Race(db, size, stations)
    db.dispose()
