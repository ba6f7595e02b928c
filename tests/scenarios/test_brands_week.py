"""A week at Cork & Clay, a business with two brands and franchise stores.

Monday the owner gives each brand its sender, address, logo and e-mail sender, and each
channel its brand. Through the week the two Cork franchise stores sell and ship under the
Cork name, each seeing only its own orders, stock and returns; store B runs short of bowls
and asks store A, which dispatches them; B receives them. On Friday the owner reads the
dashboard per brand and per store, and the return statistics per brand."""

from __future__ import annotations

import pytest

from oms_desktop.errors import NotFound, PermissionDenied
from oms_desktop.model import SYSTEM
from oms_desktop.services.brands import profiles
from oms_desktop.services.floor import pack_documents
from oms_desktop.services.inventory import stock, transfers
from oms_desktop.services.orders import dashboard, queue
from oms_desktop.services.orders import views as orders
from oms_desktop.services.orders.queue import QueueFilter
from oms_desktop.services.returns import rmas, stats
from oms_desktop.services.returns.rmas import RequestedLine
from tests.brands.documents import text
from tests.brands.world import actor, franchise_world, ship


def test_a_week_of_two_brands_and_their_franchise_stores(db, tmp_path):
    # Monday: the business, its brands and their channels (franchise_world), and the owner
    # gives Clay an address of its own
    ids = franchise_world(db, tmp_path)
    owner, fran_a, fran_b = actor(db, "owner"), actor(db, "fran-a"), actor(db, "fran-b")
    profiles.update_brand(db, actor=owner, code="CLAY", address_line1="2 Kiln Lane",
                          city="Stoke", postal_code="ST1 1AA", country="GB")
    assert [b.channels for b in profiles.list_brands(db)] == [("WEB-CLAY",),
                                                               ("TILL-A", "TILL-B", "WEB-CORK")]

    # Tuesday: store A ships its till orders; the slip is Cork's
    for order_id in ids["TILL-A"]:
        ship(db, order_id)
    shipment = orders.get_order(db, ids["TILL-A"][0], actor=fran_a).shipments[0].id
    _, slip = pack_documents.packing_slip_pdf(db, shipment)
    assert "From Cork Homeware Ltd" in text(slip, tmp_path, "slip")

    # Tuesday: store A's queue is its own; store B's orders are not there by any reference
    shown = queue.fetch_page(db, QueueFilter(), limit=100, actor=fran_a).rows
    assert {r.channel for r in shown} == {"TILL-A", "WEB-CORK"}
    with pytest.raises(NotFound):
        orders.get_order(db, "TILL-B-2", actor=fran_a)

    # Wednesday: a customer of store A returns a mug; store B does not see the RMA
    rma = rmas.create_rma(db, actor=owner, order=ids["TILL-A"][1],
                          lines=[RequestedLine("MUG", 1, "defective")])
    assert rmas.slip_pdf(db, rma)[:4] == b"%PDF"
    assert [r.rma_number for r in rmas.list_returns(db, actor=fran_a)] == [rma.rma_number]
    assert rmas.list_returns(db, actor=fran_b) == []
    with pytest.raises(NotFound):
        rmas.find_rma(db, rma.rma_number, actor=fran_b)

    # Wednesday: store B is short of bowls and asks store A for 6
    asked = transfers.propose(db, actor=fran_b, from_site="CORK-A", to_site="CORK-B",
                              lines=[("BOWL", 6)], note="Saturday market")
    # Thursday: store A dispatches them (B could not have done it for A)
    with pytest.raises(PermissionDenied):
        transfers.dispatch(db, actor=fran_b, transfer=asked.id)
    transfers.dispatch(db, actor=fran_a, transfer=asked.id)
    # Friday: store B receives them into its back room
    done = transfers.receive(db, actor=fran_b, transfer=asked.id, location="CORK-B-R1")
    assert (done.dispatched_by, done.received_by) == ("fran-a", "fran-b")
    bowls = {r.location: r.on_hand for r in stock.levels(db, sku="BOWL", actor=owner)}
    assert (bowls["CORK-A-R1"], bowls["CORK-B-R1"], bowls["TRANSIT-CORK-A-CORK-B"]) == (
        14, 26, 0)
    assert stock.reconcile(db) == []

    # Friday: the owner's dashboard per brand and store; the franchise's is its own
    cork = dashboard.dashboard(db, actor=owner, brand="CORK")
    store_a = dashboard.dashboard(db, actor=owner, site="CORK-A")
    assert (cork.open_orders, store_a.open_orders) == (6, 3)  # TILL-A's three completed
    assert dashboard.dashboard(db, actor=fran_a).open_orders == 3
    assert dict(dashboard.dashboard(db, actor=fran_a).by_status)["completed"] == 3
    assert stats.stats(db, actor=owner, brand="CORK").by_reason == {"defective": 1}
    assert stats.stats(db, actor=owner, brand="CLAY").by_reason == {}
    assert stats.stats(db, actor=fran_b).by_reason == {}
