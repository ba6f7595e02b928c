from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from oms_desktop.errors import ValidationError
from oms_desktop.policies.rules import (
    Change, Conflict, OrderFacts, digest, matches, needs, parse_condition, parse_rule, plan,
)

TODAY = date(2026, 11, 27)
ORDER = OrderFacts(order_id=1, number="1001", status="new", channel="WEB", country="DE",
                   region="BY", total=Decimal("120.00"), weight=900, item_count=3,
                   skus=("SKU-1", "SKU-2"), tags=frozenset({"VIP"}), customer_type="consumer",
                   service="express", ship_by=date(2026, 11, 29))


def rule(name, conditions, *actions):
    return parse_rule(name, conditions, actions)


def cond(field, op, value=None):
    return {"field": field, "op": op, "value": value}


@pytest.mark.parametrize("condition,expected", [
    (cond("country", "in", ["de", "AT"]), True),
    (cond("country", "not_in", ["FR"]), True),
    (cond("region", "equals", "by"), True),
    (cond("channel", "not_equals", "WEB"), False),
    (cond("service", "contains", "EXP"), True),
    (cond("total", ">=", "120"), True),
    (cond("total", ">", 120), False),
    (cond("weight", "<=", 900), True),
    (cond("item_count", "equals", 3), True),
    (cond("sku", "any_in", ["SKU-2", "SKU-9"]), True),
    (cond("sku", "all_in", ["SKU-2", "SKU-9"]), False),
    (cond("sku", "all_in", ["SKU-1", "SKU-2"]), True),
    (cond("sku", "none_in", ["SKU-1"]), False),
    (cond("tags", "contains", "vip"), True),
    (cond("tags", "not_contains", "gift"), True),
    (cond("customer_type", "equals", "business"), False),
    (cond("ship_by", "within_days", 2), True),
    (cond("ship_by", "within_days", 1), False),
    (cond("ship_by", "before", "2026-12-01"), True),
    (cond("ship_by", "after", "2026-12-01"), False),
    (cond("ship_by", "is_empty"), False),
])
def test_each_condition_reads_the_order_as_a_person_would(condition, expected):
    assert matches(rule("r", [condition], {"type": "hold"}), ORDER, TODAY) is expected


def test_missing_values_never_match_positive_conditions_but_do_match_negative_ones():
    bare = replace(ORDER, region=None, ship_by=None, customer_type=None)
    assert not matches(rule("r", [cond("region", "equals", "BY")], {"type": "hold"}), bare, TODAY)
    assert matches(rule("r", [cond("region", "not_in", ["BY"])], {"type": "hold"}), bare, TODAY)
    assert matches(rule("r", [cond("ship_by", "is_empty")], {"type": "hold"}), bare, TODAY)
    assert not matches(rule("r", [cond("ship_by", "within_days", 99)], {"type": "hold"}),
                       bare, TODAY)


@pytest.mark.parametrize("raw,message", [
    (cond("colour", "equals", "red"), "Unknown condition field"),
    (cond("total", "contains", "1"), "total takes"),
    (cond("total", ">=", "lots"), "needs a valid value"),
    (cond("ship_by", "before", "next week"), "needs a valid value"),
    (cond("ship_by", "within_days", -1), "needs a valid value"),
    (cond("country", "equals", ""), "needs a value"),
    ({"field": "country", "op": "equals", "value": "DE", "x": 1}, "is {field, op, value}"),
])
def test_invalid_conditions_are_refused_with_the_reason(raw, message):
    with pytest.raises(ValidationError, match=message):
        parse_condition(raw)


@pytest.mark.parametrize("action,message", [
    ({"type": "explode"}, "Unknown action"),
    ({"type": "set_shipping"}, "needs carrier"),
    ({"type": "add_tag", "tag": "x", "colour": "red"}, "does not take colour"),
    ({"type": "set_priority", "priority": "high"}, "whole number"),
    ({"type": "notify", "kind": "birthday"}, "Unknown notification"),
])
def test_invalid_actions_are_refused_with_the_reason(action, message):
    with pytest.raises(ValidationError, match=message):
        parse_rule("r", [], [action])


def test_a_rule_without_actions_is_refused():
    with pytest.raises(ValidationError, match="at least one action"):
        parse_rule("r", [], [])


def test_the_later_rule_wins_and_the_clash_is_reported():
    dhl = rule("DHL", [], {"type": "set_shipping", "carrier": "dhl", "service": "paket"})
    ups = rule("UPS", [cond("country", "equals", "DE")], {"type": "set_shipping", "carrier": "ups"})
    result = plan([dhl, ups], ORDER, TODAY)
    assert result.changes == (Change("UPS", "set_shipping", "shipping", None,
                                     {"carrier": "ups", "service": None}),)
    assert result.conflicts == (Conflict("shipping", "DHL", ("dhl", "paket"), "UPS",
                                         ("ups", None)),)


def test_a_later_rule_sees_what_an_earlier_rule_did():
    tag = rule("Tag heavy", [cond("weight", ">=", 500)], {"type": "add_tag", "tag": "heavy"})
    slow = rule("Heavy by freight", [cond("tags", "contains", "heavy")],
                {"type": "set_shipping", "carrier": "freight"})
    result = plan([tag, slow], ORDER, TODAY)
    assert [(c.rule, c.action) for c in result.changes] == [
        ("Heavy by freight", "set_shipping"), ("Tag heavy", "add_tag")]


def test_a_hold_then_a_release_in_one_pass_is_a_conflict_and_the_release_wins():
    hold = rule("Hold DE", [cond("country", "equals", "DE")], {"type": "hold"})
    release = rule("Release VIP", [cond("tags", "contains", "VIP")], {"type": "release"})
    result = plan([hold, release], ORDER, TODAY)
    assert result.changes == ()
    assert [(c.first_rule, c.second_rule, c.field) for c in result.conflicts] == [
        ("Hold DE", "Release VIP", "hold")]


def test_holds_are_only_placed_on_orders_not_yet_in_fulfilment():
    hold = rule("Hold all", [], {"type": "hold"})
    assert [c.action for c in plan([hold], ORDER, TODAY).changes] == ["hold"]
    assert plan([hold], replace(ORDER, status="in_fulfilment"), TODAY).changes == ()


def test_with_memory_a_rule_acts_again_only_when_the_facts_it_reads_change():
    dhl = rule("DHL", [cond("country", "in", ["DE", "AT"])],
               {"type": "set_shipping", "carrier": "dhl"})
    first = plan([dhl], ORDER, TODAY, memory={})
    [(name, matched, seen)] = first.runs
    assert first.changes and (name, matched) == ("DHL", True)

    overridden = replace(ORDER, carrier="ups", total=Decimal(5))  # total is read by nobody
    assert digest(dhl, overridden) == seen
    assert plan([dhl], overridden, TODAY, memory={"DHL": (True, seen)}).changes == ()
    moved = replace(overridden, country="AT")
    assert [c.after for c in plan([dhl], moved, TODAY, memory={"DHL": (True, seen)}).changes] \
        == [{"carrier": "dhl", "service": None}]


def test_a_rule_that_stops_matching_lifts_only_its_own_hold():
    big = rule("Big", [cond("total", ">=", 1000)], {"type": "hold"})
    held = replace(ORDER, rule_holds=frozenset({"Big", "Other"}))
    result = plan([big], held, TODAY, memory={"Big": (True, "x")})
    assert result.changes == (Change("Big", "release", "hold", "Big", None),)


def test_the_split_action_tags_the_order_for_allocation_and_needs_are_derived():
    split = rule("Split", [cond("sku", "any_in", ["SKU-1"])], {"type": "split_backorders"},
                 {"type": "notify", "kind": "order_confirmation"})
    result = plan([split], ORDER, TODAY)
    assert [(c.action, c.after) for c in result.changes] == [
        ("add_tag", "ship-available"), ("notify", "order_confirmation")]
    assert needs([split]) == {"lines", "tags", "notified"}
    already = replace(ORDER, tags=ORDER.tags | {"ship-available"},
                      notified=frozenset({"order_confirmation"}))
    assert plan([split], already, TODAY).changes == ()


def test_rules_that_set_one_thing_differently_clash_when_they_run_on_the_same_events():
    from oms_desktop.policies.rule_conflicts import Clash, clashes

    dhl = rule("DHL", [], {"type": "set_shipping", "carrier": "dhl"},
               {"type": "add_tag", "tag": "eu"})
    ups = rule("UPS", [], {"type": "set_shipping", "carrier": "ups"},
               {"type": "remove_tag", "tag": "eu"})
    same = rule("DHL again", [], {"type": "set_shipping", "carrier": "dhl"})
    assert clashes([("order_imported", dhl), ("order_changed", ups),
                    ("order_imported", same)]) == [
        Clash("shipping", "DHL", ("dhl", None), "UPS", ("ups", None)),
        Clash("tag:eu", "DHL", True, "UPS", False),
        Clash("shipping", "UPS", ("ups", None), "DHL again", ("dhl", None))]
    assert clashes([("order_imported", dhl), ("shipment_shipped", ups)]) == []
