from datetime import timedelta
from decimal import Decimal

from oms_desktop.policies import verification as v
from tests.integration.pipeline_world import T0

HOME = v.Address("Ann Lee", "5 Main St", None, "Albany", "NY", "12207", "US")
MUG = v.LineFacts("MUG", 2, product_id=1)
RULES = v.ShippingRules()


def order(**overrides) -> v.OrderFacts:
    values = dict(id=10, number="W10", channel_id=1, address=HOME, lines=(MUG,), placed_at=T0,
                  total=Decimal("25.00"), financial_status="paid", customer_id=7)
    values.update(overrides)
    return v.OrderFacts(**values)


def test_an_order_in_stock_paid_and_well_addressed_passes_every_check():
    outcomes = v.run_checks(order(), v.Context(available={1: 5}), RULES)
    assert [o.verdict for o in outcomes] == ["pass"] * 6
    assert v.decide(outcomes).verdict == "pass"


def test_a_shortage_passes_as_a_backorder_unless_backorders_are_refused():
    short = v.check_availability(order(), {1: 1}, allow_backorders=True)
    assert short.verdict == "pass" and "MUG needs 2, 1 available" in short.message
    refused = v.check_availability(order(), {1: 1}, allow_backorders=False)
    assert (refused.verdict, refused.reason) == ("hold", "out_of_stock")


def test_a_rule_that_splits_off_backorders_lets_a_short_order_through_when_they_are_refused():
    split = v.check_availability(order(ships_available=True), {1: 1}, allow_backorders=False)
    assert split.verdict == "pass" and "will be backordered" in split.message


def test_kits_are_counted_through_their_components():
    kit = v.LineFacts("KIT", 2, product_id=9, components=((1, 1), (2, 2)))
    enough = v.check_availability(order(lines=(kit,)), {1: 2, 2: 4}, allow_backorders=False)
    short = v.check_availability(order(lines=(kit,)), {1: 2, 2: 3}, allow_backorders=False)
    assert enough.verdict == "pass"
    assert short.verdict == "hold" and "KIT needs 2, 1 available" in short.message


def test_an_unknown_sku_holds_the_order():
    outcome = v.check_availability(order(lines=(v.LineFacts("NOPE", 1, None),)), {},
                                   allow_backorders=True)
    assert outcome.verdict == "hold" and "NOPE" in outcome.message


def test_pending_payment_holds_and_authorized_passes_and_refunded_rejects():
    assert v.check_payment(order(financial_status="pending")).reason == "payment_pending"
    assert v.check_payment(order(financial_status="authorized")).verdict == "pass"
    assert v.check_payment(order(financial_status="refunded")).verdict == "reject"


def test_a_business_customer_on_terms_is_held_beyond_the_credit_limit():
    within = order(financial_status="pending", business_on_terms=True,
                   credit_limit=Decimal(1000), open_balance=Decimal(900), total=Decimal(100))
    beyond = order(financial_status="pending", business_on_terms=True,
                   credit_limit=Decimal(1000), open_balance=Decimal(950), total=Decimal(100))
    assert v.check_payment(within).verdict == "pass"
    held = v.check_payment(beyond)
    assert (held.verdict, held.reason) == ("hold", "credit_limit")
    assert "950" in held.message and "1050" in held.message


def test_missing_fields_and_bad_postal_codes_are_named():
    bad = v.Address("Ann Lee", "", None, "Albany", None, "1220", "US")
    outcome = v.check_address(order(address=bad), RULES)
    assert outcome.reason == "address_invalid"
    assert "street missing" in outcome.message
    assert "state/province missing" in outcome.message
    assert "not a valid US postal code" in outcome.message


def test_postal_codes_of_the_main_countries_are_recognised():
    good = {"US": "12207-1234", "CA": "K1A 0B1", "GB": "SW1A 1AA", "DE": "10115", "FR": "75008",
            "IN": "110001", "JP": "100-0001", "AU": "2000", "NL": "1012 AB"}
    for country, code in good.items():
        address = v.Address("A", "1 Road", None, "City", "NSW", code, country)
        assert v.check_address(order(address=address), RULES).verdict == "pass", country
    wrong = v.Address("A", "1 Road", None, "City", None, "ABCDE", "DE")
    assert v.check_address(order(address=wrong), RULES).verdict == "hold"


def test_a_po_box_is_refused_only_for_services_that_do_not_deliver_there():
    box = v.Address("Ann Lee", "P.O. Box 123", None, "Albany", "NY", "12207", "US")
    assert v.check_address(order(address=box, service="UPS Ground"), RULES).verdict == "hold"
    assert v.check_address(order(address=box, service="USPS Priority"), RULES).verdict == "pass"


def test_countries_not_served_are_rejected_and_blocked_services_held():
    rules = v.ShippingRules(blocked_countries=frozenset({"RU"}),
                            blocked_services=("overnight",))
    moscow = v.Address("A", "1 Road", None, "Moscow", None, None, "RU")
    assert v.check_destination(order(address=moscow), rules).verdict == "reject"
    only_us = v.ShippingRules(allowed_countries=frozenset({"US"}))
    paris = v.Address("A", "1 Rue", None, "Paris", None, "75008", "FR")
    assert v.check_destination(order(address=paris), only_us).verdict == "reject"
    held = v.check_destination(order(service="FedEx Overnight"), rules)
    assert (held.verdict, held.reason) == ("hold", "shipping_restricted")


def test_hazardous_and_oversize_products_are_checked_against_the_service():
    gas = v.LineFacts("GAS", 1, 3, hazmat=True)
    tent = v.LineFacts("TENT", 1, 4, oversize=True)
    by_air = v.check_products(order(lines=(gas,), service="UPS Next_Day Air"), RULES)
    assert by_air.verdict == "hold" and "GAS is hazardous" in by_air.message
    assert v.check_products(order(lines=(gas,), service="UPS Ground"), RULES).verdict == "pass"
    letter = v.check_products(order(lines=(tent,), service="USPS First_Class"), RULES)
    assert letter.verdict == "hold" and "TENT is oversize" in letter.message


def test_the_same_channel_order_seen_twice_is_rejected():
    first = v.OtherOrder(3, "W10", 1, "c8", (("X", 1),), T0)
    outcome = v.check_duplicates(order(), (first,), minutes=10)
    assert outcome.verdict == "reject" and "order 3" in outcome.message


def test_the_same_customer_and_items_within_minutes_is_held_as_a_duplicate():
    twin = v.OtherOrder(11, "W11", 1, "c7", (("MUG", 2),), T0 + timedelta(minutes=4))
    assert v.check_duplicates(order(), (twin,), minutes=10).reason == "duplicate"
    late = v.OtherOrder(11, "W11", 1, "c7", (("MUG", 2),), T0 + timedelta(minutes=40))
    assert v.check_duplicates(order(), (late,), minutes=10).verdict == "pass"
    other_items = v.OtherOrder(11, "W11", 1, "c7", (("MUG", 3),), T0)
    assert v.check_duplicates(order(), (other_items,), minutes=10).verdict == "pass"


def test_an_overridden_check_is_not_run_again():
    twin = v.OtherOrder(11, "W11", 1, "c7", (("MUG", 2),), T0)
    outcomes = v.run_checks(order(), v.Context({1: 5}, (twin,), frozenset({"duplicates"})),
                            RULES)
    assert v.decide(outcomes).verdict == "pass"


def test_the_decision_lists_every_hold_and_a_reject_wins():
    outcomes = [v.hold("a", "payment_pending", "x"), v.hold("b", "address_invalid", "y"),
                v.passed("c")]
    decision = v.decide(outcomes)
    assert decision.verdict == "hold"
    assert decision.hold_reasons == {"payment_pending", "address_invalid"}
    assert v.decide(outcomes + [v.reject("d", "duplicate", "z")]).verdict == "reject"
