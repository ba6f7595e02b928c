"""A risky order is held, reviewed and approved."""

import pytest

from oms_desktop.errors import PermissionDenied
from oms_desktop.model import Actor, Role
from oms_desktop.services.orders import allocation
from oms_desktop.services.orders import views as orders
from oms_desktop.services.orders import pipeline
from oms_desktop.services import settings
from tests.integration.pipeline_world import pipeline_world, place_order, put_stock

SUPERVISOR = Actor("sam", Role.supervisor, station="OFFICE-1")
MANAGER = Actor("mia", Role.manager, station="OFFICE-2")


@pytest.fixture
def world(db):
    pipeline_world(db)
    put_stock(db, "WH-NJ-A-01", "TENT", 5)
    return db


def test_a_risky_first_order_is_held_for_review_approved_by_a_manager_and_allocated(world):
    db = world
    # The business asks for review from a score of 50.
    with db.uow() as uow:
        settings.put(uow.session, "fraud.threshold", 50)
        uow.commit()

    # A first-time buyer with a throw-away address orders two tents for overnight delivery,
    # billed in Great Britain and shipped to New York.
    order_id = place_order(db, {"TENT": 2}, customer=None, email="kx78812233@yopmail.com",
                           billing_country="GB", service="FedEx Overnight")

    # Verification passes every check, but the fraud score is above the threshold: the order
    # is held for review, with each signal and its weight listed.
    [held] = pipeline.verify_orders(db, actor=SUPERVISOR, order_ids=[order_id]).results
    assert held.status == "on_hold"
    assert [h.reason for h in held.holds] == ["fraud_review"]
    assert held.fraud_score == 20 + 25 + 15 + 20
    assert "Fraud score 80/50" in held.holds[0].note
    assert any("disposable e-mail domain yopmail.com" in s for s in held.fraud_signals)

    # While held, the order is not allocated.
    [skipped] = allocation.allocate_orders(db, actor=SUPERVISOR, order_ids=[order_id]).results
    assert skipped.message == "Not allocated: on hold (fraud_review)"

    # A supervisor cannot clear a fraud hold; the manager calls the buyer and approves.
    with pytest.raises(PermissionDenied):
        pipeline.release_order(db, actor=SUPERVISOR, order_id=order_id)
    approved = pipeline.approve_order(db, actor=MANAGER, order_id=order_id,
                                      note="buyer confirmed by phone")
    assert (approved.status, approved.holds) == ("verified", ())

    # Verifying again does not hold it a second time: the approval stands.
    [again] = pipeline.verify_orders(db, actor=SUPERVISOR, order_ids=[order_id]).results
    assert again.status == "verified"

    # Now it is allocated like any other order.
    [allocated] = allocation.allocate_orders(db, actor=SUPERVISOR,
                                             order_ids=[order_id]).results
    assert [s.location for s in allocated.shipments] == ["WH-NJ"]

    # The timeline records the screening, the hold, and who approved it and why.
    timeline = orders.get_order(db, order_id).timeline
    approval = next(e for e in timeline if e.action == "fraud_approved")
    assert (approval.actor, approval.station) == ("mia", "OFFICE-2")
    assert approval.detail == {"score": 80, "note": "buyer confirmed by phone"}
    screening = next(e for e in timeline if e.action == "verification").detail["fraud"]
    assert {s["signal"] for s in screening["signals"]} == {
        "country_mismatch", "first_order_high_value", "risky_email", "expedited_first_order"}


def test_a_risky_order_the_manager_rejects_is_cancelled(world):
    db = world
    # A channel flags an order as high risk.
    order_id = place_order(db, {"TENT": 1}, risk_level="high")
    [held] = pipeline.verify_orders(db, actor=SUPERVISOR, order_ids=[order_id]).results
    assert [h.reason for h in held.holds] == ["fraud_review"]
    assert "channel says risk high" in held.fraud_signals

    # The manager cancels it instead of approving.
    cancelled = pipeline.cancel_order(db, actor=MANAGER, order_id=order_id,
                                      reason="fraud confirmed")
    assert cancelled.status == "cancelled"
