"""On PostgreSQL with each person's own login: the packer who ships a business order issues
its invoice through their own login; money and terms stay with the roles that own them,
whatever Actor a program builds."""

import psycopg
import pytest

from oms_desktop.errors import PermissionDenied
from oms_desktop.model import Actor, Role
from oms_desktop.services.b2b import accounts, invoices
from oms_desktop.services.shipping import labels
from tests.b2b.acts import packed_b2b_shipments
from tests.b2b.world import CHAIN, wholesale_world
from tests.pg_roles import people_database


@pytest.fixture(scope="module")
def people():
    with people_database(lambda db: wholesale_world(db, credit_limit="100000")) as made:
        yield made


def test_the_packers_login_ships_and_invoices_and_only_a_supervisor_records_money(people):
    [sid] = packed_b2b_shipments(people.owner, 1)
    packer = people.actor("packer")
    labels.mark_shipped(people.db("packer"), actor=packer, shipment_id=sid)
    [inv] = invoices.list_invoices(people.db("packer"))
    assert inv.number == "INV-000001"

    forged = Actor(packer.name, Role.supervisor, user_id=packer.user_id, station="PACK-1")
    with pytest.raises(PermissionDenied):
        invoices.record_payment(people.db("packer"), actor=forged, invoice=inv.number,
                                amount=str(inv.total))
    supervisor = people.actor("supervisor")
    paid = invoices.record_payment(people.db("supervisor"), actor=supervisor,
                                   invoice=inv.number, amount=str(inv.total))
    assert paid.state == "paid"


def test_a_supervisors_login_cannot_change_terms_or_prices_by_any_route(people):
    forged = Actor(people.names["supervisor"], Role.manager, station="OFFICE-1")
    with pytest.raises(PermissionDenied):
        accounts.set_account(people.db("supervisor"), actor=forged, customer=CHAIN,
                             terms="net 90", credit_limit=None)
    with people.sql("supervisor") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE customer_prices SET unit_price = 0")
    with people.sql("packer") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE invoices SET paid_total = total")
