"""What people's own logins cost: the orders queue at a million orders through the schema
owner's connection (no row-level security), a packer's login (every site) and a franchise's
login limited to one brand; and a sign-in (argon2 check and the lockout's write)."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from oms_desktop.services.orders import queue
from oms_desktop.services.orders.queue import QueueFilter
from oms_desktop.services.users import accounts, identity, signin
from oms_desktop.storage import Database, access
from oms_desktop.values import SYSTEM
from tests.pg_roles import PASSWORD

pytestmark = pytest.mark.benchmark
VERIFIED = QueueFilter(statuses=("verified",))


@pytest.fixture(scope="module")
def logins(million_orders_pg):
    """A copy of the million-order database, granted to the groups, with two logins."""
    server = sa.create_engine(os.environ["OMS_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    template = sa.engine.make_url(million_orders_pg.url).database
    tag = f"b{os.getpid()}{uuid.uuid4().hex[:4]}"
    with server.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "oms_access_{tag}" TEMPLATE "{template}"')
    owner = Database(sa.engine.make_url(million_orders_pg.url).set(
        database=f"oms_access_{tag}").render_as_string(hide_password=False))
    names = {who: f"{tag}_{who}" for who in ("packer", "franchise")}
    try:
        access.init_roles(owner)
        admin = identity.whoami(owner)
        for who, name in names.items():
            accounts.create_user(owner, actor=admin, username=name, display_name=who,
                                 role="packer", secret="4444", password=PASSWORD)
        franchise = identity.whoami(owner.for_login(names["franchise"], PASSWORD))
        accounts.set_sites(owner, actor=admin, user_id=franchise.user_id, locations=["BR2"])
        dbs = {"owner": owner, **{w: owner.for_login(n, PASSWORD) for w, n in names.items()}}
        yield dbs
    finally:
        for db in ({"owner": owner} | locals().get("dbs", {})).values():
            db.dispose()
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "oms_access_{tag}" WITH (FORCE)')
            for name in names.values():
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
        server.dispose()


@pytest.mark.parametrize("who", ["owner", "packer", "franchise"])
def test_first_queue_page_through_each_login(benchmark, logins, who):
    page = benchmark(queue.fetch_page, logins[who], VERIFIED, sort="ship_by", limit=100)
    assert len(page.rows) == 100


@pytest.mark.parametrize("who", ["owner", "packer", "franchise"])
def test_count_of_one_status_through_each_login(benchmark, logins, who):
    counted = benchmark(queue.count, logins[who], VERIFIED)
    assert counted > (0 if who == "franchise" else 100_000)
    benchmark.extra_info["counted"] = counted


def test_a_sign_in_with_its_lockout_bookkeeping(benchmark, sqlite_db):
    accounts.create_first_admin(sqlite_db, username="ada", display_name="Ada", secret="1234")
    accounts.create_user(sqlite_db, actor=SYSTEM, username="pat", display_name="Pat",
                         role="packer", secret="4321")
    actor = benchmark(signin.sign_in, sqlite_db, username="pat", secret="4321")
    assert actor.name == "pat"
