"""Verification, fraud screening, holds, releases, approval, edits and cancellation as
services on real SQLite and PostgreSQL."""

from decimal import Decimal

import pytest

from oms_desktop.errors import PermissionDenied, ValidationError
from oms_desktop.model import SYSTEM, Actor, Role
from oms_desktop.services.orders import views as orders
from oms_desktop.services.orders import pipeline
from oms_desktop.services import settings
from tests.integration.pipeline_world import later, pipeline_world, place_order, put_stock

MANAGER = Actor("mia", Role.manager)
SUPERVISOR = Actor("sam", Role.supervisor)


@pytest.fixture
def world(db):
    pipeline_world(db)
    put_stock(db, "WH-NJ-A-01", "MUG", 10)
    put_stock(db, "WH-NJ-A-02", "SPOON", 10)
    return db


def verify(db, *ids):
    return pipeline.verify_orders(db, actor=SUPERVISOR, order_ids=list(ids))


def test_a_clean_order_is_verified_and_the_decision_is_in_its_timeline(world):
    oid = place_order(world, {"MUG": 1})
    [res] = verify(world, oid).results
    assert (res.ok, res.status, res.holds) == (True, "verified", ())
    assert [c.verdict for c in res.checks] == ["pass"] * 6 and res.fraud_score == 0
    timeline = orders.get_order(world, oid).timeline
    decision = next(e for e in timeline if e.action == "verification")
    assert decision.detail["verdict"] == "pass"
    assert {c["check"] for c in decision.detail["checks"]} >= {"payment", "address"}
    assert [(e.action, e.to_state) for e in timeline if e.to_state] == [("verify", "verified")]


def test_holds_carry_their_reasons_and_are_released_when_the_order_is_fixed(world):
    oid = place_order(world, {"MUG": 1}, financial_status="pending", ship_postal_code="ABC")
    [res] = verify(world, oid).results
    assert res.status == "on_hold"
    assert {h.reason for h in res.holds} == {"payment_pending", "address_invalid"}
    assert "not a valid US postal code" in next(
        h.note for h in res.holds if h.reason == "address_invalid")
    fixed = pipeline.edit_order(world, actor=MANAGER, order_id=oid, ship_postal_code="12207")
    assert [h.reason for h in fixed.holds] == ["payment_pending"]
    paid = pipeline.edit_order(world, actor=MANAGER, order_id=oid, financial_status="paid")
    assert (paid.status, paid.holds) == ("verified", ())


def test_a_manual_hold_is_never_released_by_verification(world):
    oid = place_order(world, {"MUG": 1}, financial_status="pending")
    verify(world, oid)
    pipeline.hold_order(world, actor=SUPERVISOR, order_id=oid, reason="customer called")
    pipeline.edit_order(world, actor=MANAGER, order_id=oid, financial_status="paid")
    [res] = verify(world, oid).results
    assert res.status == "on_hold"
    assert [(h.reason, h.note, h.manual) for h in res.holds] == [
        ("manual", "customer called", True)]
    released = pipeline.release_order(world, actor=MANAGER, order_id=oid)
    assert (released.status, released.holds) == ("verified", ())


def test_out_of_stock_holds_when_backorders_are_refused_and_clears_with_stock(world):
    with world.uow() as uow:
        settings.put(uow.session, "verification.allow_backorders", False)
        uow.commit()
    oid = place_order(world, {"MUG": 12})
    [held] = verify(world, oid).results
    assert [h.reason for h in held.holds] == ["out_of_stock"]
    put_stock(world, "WH-CA-A-01", "MUG", 5)
    [res] = verify(world, oid).results
    assert (res.status, res.holds) == ("verified", ())


def test_a_country_we_do_not_ship_to_rejects_and_cancels_the_order(world):
    with world.uow() as uow:
        settings.put(uow.session, "shipping.blocked_countries", ["RU"])
        uow.commit()
    oid = place_order(world, {"MUG": 1}, ship_country="RU", ship_region=None,
                      ship_postal_code=None)
    [res] = verify(world, oid).results
    assert res.status == "cancelled" and "We do not ship to RU" in res.message


def test_a_credit_limit_holds_a_business_customer_on_terms(world):
    terms = {"payment_terms_days": 30, "credit_limit": Decimal(100)}
    first = place_order(world, {"MUG": 4}, customer="Bo Corp", business=terms,
                        financial_status="pending")
    second = place_order(world, {"MUG": 6}, customer="Bo Corp", business=terms,
                         financial_status="pending", placed_at=later(60))
    results = verify(world, first, second)
    assert results.by_id(first).status == "verified"
    over = results.by_id(second)
    assert [h.reason for h in over.holds] == ["credit_limit"]
    assert "Credit limit 100" in over.holds[0].note


def test_the_same_customer_and_items_twice_within_minutes_is_held_once_overridden_stays(world):
    first = place_order(world, {"MUG": 1})
    second = place_order(world, {"MUG": 1}, placed_at=later(3))
    results = verify(world, first, second)
    assert [h.reason for h in results.by_id(second).holds] == ["duplicate"]
    pipeline.release_order(world, actor=MANAGER, order_id=second)
    again = pipeline.edit_order(world, actor=MANAGER, order_id=second, notes="checked")
    assert again.status == "verified"
    assert next(c for c in again.checks if c.check == "duplicates").message == \
        "Overridden by a manager"


def test_a_risky_order_is_held_for_review_and_only_a_manager_approves_it(world):
    oid = place_order(world, {"MUG": 40}, customer=None, billing_country="GB",
                      email="zz99887766@mailinator.com", service="UPS Next Day")
    put_stock(world, "WH-CA-A-01", "MUG", 40)
    [res] = verify(world, oid).results
    assert [h.reason for h in res.holds] == ["fraud_review"]
    assert res.fraud_score >= 60 and any("billing country GB" in s for s in res.fraud_signals)
    with pytest.raises(PermissionDenied):
        pipeline.approve_order(world, actor=SUPERVISOR, order_id=oid)
    approved = pipeline.approve_order(world, actor=MANAGER, order_id=oid, note="called buyer")
    assert (approved.status, approved.holds) == ("verified", ())
    [again] = verify(world, oid).results
    assert again.status == "verified"
    actions = [e.action for e in orders.get_order(world, oid).timeline]
    assert "fraud_approved" in actions


def test_fraud_threshold_and_weights_are_settings(world):
    with world.uow() as uow:
        settings.put(uow.session, "fraud.threshold", 10)
        settings.put(uow.session, "fraud.weights", {"country_mismatch": 12})
        uow.commit()
    oid = place_order(world, {"MUG": 1}, billing_country="CA")
    [res] = verify(world, oid).results
    assert res.fraud_score == 12 and [h.reason for h in res.holds] == ["fraud_review"]


def test_approving_an_order_not_under_review_is_refused(world):
    oid = place_order(world, {"MUG": 1})
    verify(world, oid)
    with pytest.raises(ValidationError, match="not held for fraud review"):
        pipeline.approve_order(world, actor=MANAGER, order_id=oid)


def test_one_bad_order_does_not_stop_the_batch(world):
    good = place_order(world, {"MUG": 1})
    results = pipeline.verify_orders(world, actor=SUPERVISOR, order_ids=[good, 999_999])
    assert [r.order_id for r in results.results] == [good]
    assert results.by_id(good).status == "verified"


def test_verify_all_takes_every_new_order_and_packers_may_not(world):
    ids = [place_order(world, {"SPOON": 1}, customer=f"C {i}", placed_at=later(i * 20))
           for i in range(3)]
    with pytest.raises(PermissionDenied):
        pipeline.verify_orders(world, actor=Actor("pat", Role.packer))
    results = pipeline.verify_orders(world, actor=SUPERVISOR)
    assert sorted(r.order_id for r in results.results) == ids
    assert {r.status for r in results.results} == {"verified"}


def test_the_command_line_verifies_holds_releases_allocates_and_cancels(world, capsys, cli_admin):
    import json

    from oms_desktop.cli import main

    oid = place_order(world, {"MUG": 2}, financial_status="pending")
    url = world.url

    def run(*argv) -> tuple[int, object]:
        code = main([*argv, "--db", url, "--json"])
        return code, json.loads(capsys.readouterr().out)

    code, [res] = run("orders", "verify", str(oid))
    assert code == 0 and res["status"] == "on_hold"
    assert res["holds"][0]["reason"] == "payment_pending"
    assert res["holds"][0]["note"] == "Payment is pending"
    code, [res] = run("orders", "hold", str(oid), "--reason", "check address by phone")
    assert {h["reason"] for h in res["holds"]} == {"payment_pending", "manual"}
    code, [res] = run("orders", "release", str(oid))
    assert (res["status"], res["holds"]) == ("verified", [])
    code, results = run("orders", "allocate", "--all")
    assert [r["order_id"] for r in results] == [oid]
    [shipment] = results[0]["shipments"]
    assert shipment["location"] == "WH-NJ" and "can fill the whole order" in shipment["why"]
    code, [res] = run("orders", "cancel", str(oid), "--reason", "duplicate by phone")
    assert res["status"] == "cancelled" and "released 2 reserved units" in res["message"]
    assert main(["orders", "verify", "--db", url]) == 2
    assert "give order IDs or --all" in capsys.readouterr().err


def test_the_command_line_prints_a_table_of_results(world, capsys, cli_admin):
    from oms_desktop.cli import main

    oid = place_order(world, {"MUG": 1})
    assert main(["orders", "verify", "--all", "--db", world.url]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["id", "number", "status", "holds", "ships", "from",
                                           "result"]
    assert f"{oid}" in out and "verified" in out


def test_an_order_held_for_stock_is_verified_again_when_the_stock_is_received(world):
    from oms_desktop.services.orders import backorders

    with world.uow() as uow:
        settings.put(uow.session, "verification.allow_backorders", False)
        uow.commit()
    oid = place_order(world, {"SPOON": 15})
    [held] = verify(world, oid).results
    assert [h.reason for h in held.holds] == ["out_of_stock"]
    backorders.receive(world, actor=SUPERVISOR, sku="SPOON", location="WH-CA-A-01", quantity=3)
    assert orders.get_order(world, oid).summary.status == "on_hold"  # 13 of 15: still short
    backorders.receive(world, actor=SUPERVISOR, sku="SPOON", location="WH-CA-A-01", quantity=2)
    detail = orders.get_order(world, oid)
    assert detail.summary.status == "verified"
    assert [h.released_at is not None for h in detail.holds] == [True]


def test_orders_show_prints_the_reason_under_each_decision(world, capsys):
    from oms_desktop.cli import main
    from oms_desktop.services.orders import allocation

    oid = place_order(world, {"MUG": 12}, ship_postal_code="1")
    verify(world, oid)
    pipeline.edit_order(world, actor=MANAGER, order_id=oid, ship_postal_code="12207")
    allocation.allocate_orders(world, actor=SUPERVISOR, order_ids=[oid])
    capsys.readouterr()
    assert main(["orders", "show", str(oid), "--db", world.url]) == 0
    out = capsys.readouterr().out
    assert "postal code '1' is not a valid US postal code" in out
    assert "is not a valid US postal code; fraud score 0/60" in out  # the first verification
    assert "every check passed" in out  # the second, after the address was corrected
    assert "only WH-NJ has any of it; backordered: MUG x2" in out


def test_a_short_order_tagged_to_ship_what_is_there_is_verified_when_backorders_are_refused(world):
    from oms_desktop.model import OrderTag
    from oms_desktop.policies.rules import SPLIT_TAG

    with world.uow() as uow:
        settings.put(uow.session, "verification.allow_backorders", False)
        uow.commit()
    oid = place_order(world, {"MUG": 12})
    with world.uow() as uow:
        uow.session.add(OrderTag(order_id=oid, tag=SPLIT_TAG))
        uow.commit()
    [res] = verify(world, oid).results
    assert (res.status, res.holds) == ("verified", ())
