from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from oms_desktop.errors import PermissionDenied, ValidationError
from oms_desktop.model import (
    Actor, CustomerKind, AuditEvent, Location, Order, OrderLine, OrderStatus, OrderTag, Role, RuleRun, Shipment,
    ShipmentStatus,
)
from oms_desktop.services.automation import rules
from oms_desktop.services.lookup import product_by_sku
from tests.factories import small_world
from oms_desktop.services import events as ev
from tests.integration.rules_helpers import fire, make_order

MANAGER = Actor("mia", Role.manager)
SYNC = Actor("system", Role.admin).via("sync:web")
EU_DHL = dict(trigger="order_imported",
              conditions=[{"field": "country", "op": "in", "value": ["DE", "AT"]},
                          {"field": "total", "op": ">=", "value": "100"}],
              actions=[{"type": "set_shipping", "carrier": "dhl", "service": "paket"},
                       {"type": "add_tag", "tag": "eu"}])


@pytest.fixture
def world(db):
    small_world(db)
    return db


def order(db, order_id) -> SimpleNamespace:
    """A snapshot of the order (the unit of work expires ORM objects when it closes)."""
    with db.uow(readonly=True) as uow:
        o = uow.session.get(Order, order_id)
        return SimpleNamespace(
            status=o.status, carrier=o.carrier, service=o.service, priority=o.priority,
            preferred_location_id=o.preferred_location_id, tag_names=o.tag_names,
            active_holds=[(h.reason.value, h.note) for h in o.active_holds])


def trail(db, order_id) -> list[SimpleNamespace]:
    with db.uow(readonly=True) as uow:
        return [SimpleNamespace(action=e.action, source=e.source, actor_name=e.actor_name,
                                detail=e.detail)
                for e in uow.session.scalars(sa.select(AuditEvent).where(
                    AuditEvent.order_id == order_id).order_by(AuditEvent.id))]


def test_an_imported_order_that_matches_gets_the_rules_changes_in_its_audit_trail(world):
    rules.create_rule(world, actor=MANAGER, name="EU parcels by DHL", **EU_DHL)
    de = make_order(world, "1001", country="DE", total="150", publish_as=SYNC)
    us = make_order(world, "1002", country="US", total="150", publish_as=SYNC)
    small = make_order(world, "1003", country="de", total="99.99", publish_as=SYNC)

    got = order(world, de)
    assert (got.carrier, got.service, got.tag_names) == ("dhl", "paket", ["eu"])
    assert order(world, us).carrier is None and order(world, small).carrier is None
    events = trail(world, de)
    assert {e.action for e in events} == {"rule.set_shipping", "rule.add_tag"}
    assert all(e.source == "rule:EU parcels by DHL" and e.actor_name == "system" for e in events)
    assert events[0].detail["to"] == {"carrier": "dhl", "service": "paket"}
    assert trail(world, us) == []


def test_a_rule_hold_is_placed_with_the_rule_name_and_lifted_when_the_order_no_longer_matches(
        world):
    rules.create_rule(world, actor=MANAGER, name="Big orders", trigger="order_imported",
                      conditions=[{"field": "total", "op": ">=", "value": 1000}],
                      actions=[{"type": "hold"}])
    oid = make_order(world, "2001", total="1500", publish_as=SYNC)
    held = order(world, oid)
    assert held.status == OrderStatus.on_hold
    assert held.active_holds == [("rule", "Big orders")]

    with world.uow() as uow:  # the customer drops an item: the order is edited
        uow.session.get(Order, oid).total = Decimal("400")
        uow.commit()
    fire(world, ev.OrderChanged(actor=SYNC, order_id=oid))

    assert ("rule", "Big orders") not in order(world, oid).active_holds
    assert [(e.action, e.source) for e in trail(world, oid)
            if (e.source or "").startswith("rule:")] == [
        ("hold", "rule:Big orders"), ("release", "rule:Big orders"),
        ("rule.release", "rule:Big orders")]


def test_rules_run_again_when_an_order_changes_not_only_at_import(world):
    rules.create_rule(world, actor=MANAGER, name="VIP first", trigger="order_imported",
                      conditions=[{"field": "tags", "op": "contains", "value": "vip"}],
                      actions=[{"type": "set_priority", "priority": 10}])
    oid = make_order(world, "3001", publish_as=SYNC)
    assert order(world, oid).priority == 0

    with world.uow() as uow:
        uow.session.add(OrderTag(order_id=oid, tag="VIP"))
        uow.commit()
    fire(world, ev.OrderChanged(actor=MANAGER, order_id=oid))

    assert order(world, oid).priority == 10
    [event] = trail(world, oid)
    assert (event.action, event.source, event.actor_name) == (
        "rule.set_priority", "rule:VIP first", "mia")


def test_firing_twice_changes_once_and_a_managers_override_stands(world):
    rules.create_rule(world, actor=MANAGER, name="EU parcels by DHL", **EU_DHL)
    oid = make_order(world, "4001", country="DE", total="200", publish_as=SYNC)
    fire(world, ev.OrderChanged(actor=SYNC, order_id=oid))
    fire(world, ev.OrderChanged(actor=SYNC, order_id=oid))
    assert len(trail(world, oid)) == 2  # set_shipping and add_tag, once each

    with world.uow() as uow:  # a manager prefers UPS for this one
        uow.session.get(Order, oid).carrier = "ups"
        uow.commit()
    fire(world, ev.OrderChanged(actor=MANAGER, order_id=oid))
    assert order(world, oid).carrier == "ups"

    with world.uow() as uow:  # the address moves to Austria: the rule looks again
        uow.session.get(Order, oid).ship_country = "AT"
        uow.commit()
    fire(world, ev.OrderChanged(actor=SYNC, order_id=oid))
    assert order(world, oid).carrier == "dhl"


def _shipment(db, order_id, status) -> int:
    with db.uow() as uow:
        shipment = Shipment(order_id=order_id, status=status, carrier="ups",
                            tracking_number="1Z999")
        uow.session.add(shipment)
        uow.commit()
        return shipment.id


@pytest.mark.parametrize("trigger,event", [
    ("order_imported", ev.OrderImported), ("order_changed", ev.OrderChanged),
    ("stock_changed", ev.StockChanged), ("shipment_packed", ev.ShipmentPacked),
    ("shipment_shipped", ev.ShipmentShipped)])
def test_each_trigger_fires_its_rules_and_only_those(world, trigger, event):
    rules.create_rule(world, actor=MANAGER, name="Mark", trigger=trigger,
                      conditions=[{"field": "sku", "op": "any_in", "value": ["SKU-1"]}],
                      actions=[{"type": "add_tag", "tag": "marked"}])
    oid = make_order(world, "5001", lines={"SKU-1": 1, "SKU-2": 2})
    fire(world, ev.OrderVerified(actor=SYNC, order_id=oid))  # not a trigger
    assert order(world, oid).tag_names == []

    with world.uow(readonly=True) as uow:
        sku1 = product_by_sku(uow.session, "SKU-1").id
    fields = {"order_id": oid}
    if trigger == "stock_changed":
        fields = {"product_ids": (sku1,)}
    elif trigger.startswith("shipment"):
        fields = {"shipment_id": _shipment(world, oid, ShipmentStatus.packed)}
    fire(world, event(actor=SYNC, **fields))
    assert order(world, oid).tag_names == ["marked"]


def test_sku_conditions_look_at_any_line_or_all_lines(world):
    rules.create_rule(world, actor=MANAGER, name="Spoons only", trigger="order_imported",
                      conditions=[{"field": "sku", "op": "all_in", "value": ["SKU-2"]}],
                      actions=[{"type": "add_tag", "tag": "letterbox"}])
    mixed = make_order(world, "6001", lines={"SKU-1": 1, "SKU-2": 1}, publish_as=SYNC)
    spoons = make_order(world, "6002", lines={"SKU-2": 3}, publish_as=SYNC)
    assert order(world, mixed).tag_names == [] and order(world, spoons).tag_names == ["letterbox"]


def test_location_priority_and_backorder_split_actions_change_the_order(world):
    rules.create_rule(world, actor=MANAGER, name="Heavy from the warehouse",
                      trigger="order_imported",
                      conditions=[{"field": "weight", "op": ">=", "value": 1000},
                                  {"field": "item_count", "op": ">", "value": 2}],
                      actions=[{"type": "assign_location", "location": "WH1"},
                               {"type": "set_priority", "priority": 3},
                               {"type": "split_backorders"}])
    oid = make_order(world, "7001", lines={"SKU-1": 3}, publish_as=SYNC)  # 1,050 g
    light = make_order(world, "7002", lines={"SKU-1": 2}, publish_as=SYNC)
    got = order(world, oid)
    with world.uow(readonly=True) as uow:
        wh1 = uow.session.scalar(sa.select(Location.id).where(Location.code == "WH1"))
    assert (got.preferred_location_id, got.priority, got.tag_names) == (
        wh1, 3, ["ship-available"])
    assert order(world, light).preferred_location_id is None


def test_dry_run_lists_the_orders_a_rule_would_change_and_changes_nothing(world):
    a = make_order(world, "8001", country="DE", total="300")
    b = make_order(world, "8002", country="AT", total="120")
    make_order(world, "8003", country="FR", total="500")
    with world.uow() as uow:
        uow.session.get(Order, b).carrier, uow.session.get(Order, b).service = "dhl", "paket"
        uow.commit()
    rules.create_rule(world, actor=MANAGER, name="EU parcels by DHL", **EU_DHL)

    result = rules.dry_run(world, "EU parcels by DHL")

    assert (result.examined, result.matched, result.changed) == (2, 2, 2)  # FR: filtered out
    assert [(r.number, [(c.action, c.before, c.after) for c in r.changes])
            for r in result.rows] == [
        ("8001", [("set_shipping", None, {"carrier": "dhl", "service": "paket"}),
                  ("add_tag", None, "eu")]),
        ("8002", [("add_tag", None, "eu")])]
    assert order(world, a).carrier is None and order(world, a).tag_names == []
    assert trail(world, a) == []
    with world.uow(readonly=True) as uow:
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(RuleRun)) == 0


def test_conflicting_rules_are_reported_and_the_later_one_wins_with_an_audit_note(world):
    rules.create_rule(world, actor=MANAGER, name="EU parcels by DHL", **EU_DHL)
    rules.create_rule(world, actor=MANAGER, name="Germany by UPS", trigger="order_changed",
                      conditions=[{"field": "country", "op": "equals", "value": "DE"}],
                      actions=[{"type": "set_shipping", "carrier": "ups"}])
    rules.create_rule(world, actor=MANAGER, name="Hold DE", trigger="order_imported",
                      conditions=[{"field": "country", "op": "equals", "value": "DE"}],
                      actions=[{"type": "hold"}])
    rules.create_rule(world, actor=MANAGER, name="Release approved", trigger="order_changed",
                      conditions=[{"field": "tags", "op": "contains", "value": "approved"}],
                      actions=[{"type": "release"}])
    make_order(world, "9001", country="DE", total="300")
    make_order(world, "9002", country="DE", total="50")

    found = {(c.first_rule, c.second_rule, c.field): c for c in rules.conflicts(world)}

    clash = found[("EU parcels by DHL", "Germany by UPS", "shipping")]
    assert (clash.first_value, clash.second_value) == (["dhl", "paket"], ["ups", None])
    assert (clash.orders, clash.sample) == (1, ["9001"])
    assert found[("Hold DE", "Release approved", "hold")].orders == 0
    assert len(found) == 2

    oid = make_order(world, "9003", country="DE", total="300")
    fire(world, ev.OrderChanged(actor=SYNC, order_id=oid))
    assert order(world, oid).carrier == "ups"
    [note] = [e for e in trail(world, oid) if e.action == "rule.conflict"]
    assert note.detail["first_rule"] == "EU parcels by DHL" and note.source == "rule:Germany by UPS"


def test_disabled_rules_do_not_fire_and_reordering_changes_which_rule_wins(world):
    rules.create_rule(world, actor=MANAGER, name="EU parcels by DHL", **EU_DHL)
    rules.create_rule(world, actor=MANAGER, name="Germany by UPS", trigger="order_imported",
                      conditions=[{"field": "country", "op": "equals", "value": "DE"}],
                      actions=[{"type": "set_shipping", "carrier": "ups"}])
    rules.reorder(world, actor=MANAGER, names=["Germany by UPS"])
    assert [r.name for r in rules.list_rules(world)] == ["Germany by UPS", "EU parcels by DHL"]
    assert order(world, make_order(world, "A1", country="DE", total="300",
                                   publish_as=SYNC)).carrier == "dhl"
    rules.set_enabled(world, actor=MANAGER, name="EU parcels by DHL", enabled=False)
    assert order(world, make_order(world, "A2", country="DE", total="300",
                                   publish_as=SYNC)).carrier == "ups"


def test_only_a_manager_edits_rules_and_bad_rules_are_refused_with_a_clear_message(world):
    with pytest.raises(PermissionDenied):
        rules.create_rule(world, actor=Actor("pat", Role.packer), name="x", **EU_DHL)
    with pytest.raises(ValidationError, match="Unknown condition field 'colour'"):
        rules.create_rule(world, actor=MANAGER, name="x", trigger="order_imported",
                          conditions=[{"field": "colour", "op": "equals", "value": "red"}],
                          actions=[{"type": "hold"}])
    with pytest.raises(ValidationError, match="total takes"):
        rules.create_rule(world, actor=MANAGER, name="x", trigger="order_imported",
                          conditions=[{"field": "total", "op": "contains", "value": "1"}],
                          actions=[{"type": "hold"}])
    with pytest.raises(Exception, match="No location with code 'NOPE'"):
        rules.create_rule(world, actor=MANAGER, name="x", trigger="order_imported",
                          conditions=[], actions=[{"type": "assign_location",
                                                   "location": "NOPE"}])
    assert rules.list_rules(world) == []


def test_the_command_line_adds_lists_and_dry_runs_a_rule(world, capsys, cli_admin):
    import json

    from oms_desktop.cli import main

    make_order(world, "C1", country="AT", total="250")
    make_order(world, "C2", country="US", total="250")
    assert main(["rules", "add", "EU parcels by DHL", "--db", world.url, "--trigger",
                 "order_imported", "--if", json.dumps(EU_DHL["conditions"]),
                 "--then", json.dumps(EU_DHL["actions"])]) == 0
    assert main(["rules", "list", "--db", world.url]) == 0
    assert "EU parcels by DHL" in capsys.readouterr().out

    assert main(["rules", "dry-run", "EU parcels by DHL", "--db", world.url, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["examined"], result["matched"]) == (1, 1)
    assert [(r["number"], [c["action"] for c in r["changes"]]) for r in result["rows"]] == [
        ("C1", ["set_shipping", "add_tag"])]

    assert main(["rules", "dry-run", "Nope", "--db", world.url]) == 1
    assert "No rule named 'Nope'" in capsys.readouterr().err
    assert main(["rules", "add", "Bad", "--db", world.url, "--trigger", "order_imported",
                 "--then", "{not json"]) == 1
    assert "--then is not valid JSON" in capsys.readouterr().err


CONDITIONS = [
    {"field": "country", "op": "not_in", "value": ["DE"]},
    {"field": "country", "op": "contains", "value": "e"},
    {"field": "region", "op": "not_equals", "value": "BY"},
    {"field": "customer_type", "op": "equals", "value": "business"},
    {"field": "service", "op": "in", "value": ["Express"]},
    {"field": "total", "op": "<", "value": 100},
    {"field": "weight", "op": ">=", "value": 700},
    {"field": "weight", "op": "<=", "value": 400},
    {"field": "item_count", "op": "equals", "value": 0},
    {"field": "item_count", "op": ">", "value": 2},
    {"field": "sku", "op": "all_in", "value": ["sku-2"]},
    {"field": "sku", "op": "none_in", "value": ["SKU-1"]},
    {"field": "tags", "op": "contains", "value": "vip"},
    {"field": "tags", "op": "none_in", "value": ["VIP", "gift"]},
    {"field": "ship_by", "op": "is_empty"},
    {"field": "ship_by", "op": "within_days", "value": 3},
]


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: f"{c['field']} {c['op']}")
def test_the_database_filter_of_a_dry_run_never_drops_an_order_python_would_match(
        world, condition):
    from datetime import date, timedelta

    from oms_desktop.policies import rules as policy
    from oms_desktop.services.automation.rule_facts import load_facts, order_query

    soon = date.today() + timedelta(days=2)
    make_order(world, "F1", country="DE", lines={"SKU-1": 2}, service="express", ship_by=soon)
    make_order(world, "F2", country="AT", lines={"SKU-2": 3}, total="120",
               kind=CustomerKind.business)
    make_order(world, "F3", country="US", lines={"SKU-1": 1, "SKU-2": 1}, total="99")
    empty = make_order(world, "F4", country="GB", lines={"SKU-2": 1})
    with world.uow() as uow:
        uow.session.execute(sa.delete(OrderLine).where(OrderLine.order_id == empty))
        uow.session.add(OrderTag(order_id=empty, tag="Gift"))
        uow.session.add(OrderTag(order_id=empty - 1, tag="VIP"))
        uow.commit()
    spec = policy.parse_rule("r", [condition], [{"type": "hold"}])
    today = date.today()
    with world.uow(readonly=True) as uow:
        everything = load_facts(uow.session, order_query([], today), [spec])
        filtered = load_facts(uow.session, order_query([spec], today), [spec])
    expected = sorted(f.number for f in everything if policy.matches(spec, f, today))
    assert sorted(f.number for f in filtered if policy.matches(spec, f, today)) == expected
    assert expected  # each condition matches some of the four orders


def test_an_edited_rule_looks_at_every_order_afresh(world):
    rules.create_rule(world, actor=MANAGER, name="Express by UPS", trigger="order_imported",
                      conditions=[{"field": "service", "op": "equals", "value": "express"}],
                      actions=[{"type": "set_shipping", "carrier": "ups", "service": "saver"}])
    oid = make_order(world, "U1", service="express", publish_as=SYNC)
    assert order(world, oid).service == "saver"

    view = rules.update_rule(world, actor=MANAGER, name="Express by UPS", actions=[
        {"type": "set_shipping", "carrier": "ups", "service": "express"}])
    fire(world, ev.OrderChanged(actor=SYNC, order_id=oid))

    assert view.actions[0]["service"] == "express" and view.conditions == [
        {"field": "service", "op": "equals", "value": "express"}]
    assert (order(world, oid).carrier, order(world, oid).service) == ("ups", "express")


def test_a_lifted_rule_hold_sends_the_order_through_verification_again(world):
    rules.create_rule(world, actor=MANAGER, name="Big orders", trigger="order_imported",
                      conditions=[{"field": "total", "op": ">=", "value": 1000}],
                      actions=[{"type": "hold"}])
    oid = make_order(world, "V1", total="1500", publish_as=SYNC)  # payment still pending
    with world.uow() as uow:
        uow.session.get(Order, oid).total = Decimal("400")
        uow.commit()
    fire(world, ev.OrderChanged(actor=SYNC, order_id=oid))

    got = order(world, oid)
    assert got.status == OrderStatus.on_hold  # not waved through to "verified"
    assert "payment_pending" in {reason for reason, _ in got.active_holds}
    assert "rule" not in {reason for reason, _ in got.active_holds}


def test_narrative_rules_steer_an_order_through_verification_and_allocation(world):
    from oms_desktop.model import FinancialStatus
    from oms_desktop.services.orders import allocation
    from oms_desktop.services.orders import views as orders
    from oms_desktop.services.orders import pipeline
    from oms_desktop.services.inventory import stock

    # The warehouse and the store both hold the mug; a rule sends US orders from WH1 by UPS.
    stock.receive(world, actor=MANAGER, sku="SKU-1", location="WH1-A-01", quantity=10)
    stock.receive(world, actor=MANAGER, sku="SKU-1", location="STORE1", quantity=10)
    rules.create_rule(world, actor=MANAGER, name="US from WH1 by UPS", trigger="order_imported",
                      conditions=[{"field": "country", "op": "equals", "value": "US"}],
                      actions=[{"type": "set_shipping", "carrier": "ups", "service": "ground"},
                               {"type": "assign_location", "location": "WH1"},
                               {"type": "add_tag", "tag": "us"}])
    rules.create_rule(world, actor=MANAGER, name="US first", trigger="order_changed",
                      conditions=[{"field": "tags", "op": "contains", "value": "us"}],
                      actions=[{"type": "set_priority", "priority": 7}])
    # The order comes in paid, to New York: without the rule the NY store would ship it.
    oid = make_order(world, "N1", country="US", publish_as=SYNC)
    with world.uow() as uow:
        o = uow.session.get(Order, oid)
        o.financial_status = FinancialStatus.paid
        o.ship_line1, o.ship_city, o.ship_region, o.ship_postal_code = (
            "5 Broadway", "New York", "NY", "10001")
        uow.commit()
    # Verification changes the order, so the "order changed" rule runs too.
    [verified] = pipeline.verify_orders(world, actor=MANAGER, order_ids=[oid]).results
    assert verified.status == "verified"
    assert order(world, oid).priority == 7
    # Allocation ships from the location the rule chose.
    [allocated] = allocation.allocate_orders(world, actor=MANAGER, order_ids=[oid]).results
    assert [s.location for s in allocated.shipments] == ["WH1"]
    timeline = orders.get_order(world, oid).timeline
    assert [(e.source, e.action) for e in timeline if (e.source or "").startswith("rule:")] == [
        ("rule:US from WH1 by UPS", "rule.set_shipping"),
        ("rule:US from WH1 by UPS", "rule.assign_location"),
        ("rule:US from WH1 by UPS", "rule.add_tag"), ("rule:US first", "rule.set_priority")]
