from datetime import date
from decimal import Decimal

from oms_desktop.policies.rate_shop import RateOption, Requirement, arrival, choose

FRIDAY = date(2026, 11, 27)


def opt(carrier, service, amount, days):
    return RateOption(carrier, service, Decimal(amount), "USD", days, f"{carrier}:{service}")


RATES = [opt("easypost", "USPS GroundAdvantage", "5.93", 3),
         opt("easypost", "UPS NextDayAir", "32.50", 1),
         opt("manual", "Courier", "4.50", 1), opt("manual", "Freight", "3.10", None)]


def test_transit_days_skip_the_weekend():
    assert arrival(FRIDAY, 1) == date(2026, 11, 30)
    assert arrival(FRIDAY, 3) == date(2026, 12, 2)
    assert arrival(FRIDAY, None) is None


def test_without_requirements_the_cheapest_wins_and_all_are_kept_in_price_order():
    choice = choose(RATES, Requirement(ship_day=FRIDAY))
    assert choice.chosen.service == "Freight"
    assert [v.option.amount for v in choice.verdicts] == sorted(r.amount for r in RATES)


def test_a_promised_date_rules_out_slow_and_unknown_transit_times():
    choice = choose(RATES, Requirement(ship_day=FRIDAY, deliver_by=date(2026, 11, 30)))
    assert choice.chosen.service == "Courier"
    freight = next(v for v in choice.verdicts if v.option.service == "Freight")
    assert freight.why_not == "arrives unknown, promised by 2026-11-30"


def test_a_service_level_sets_the_most_transit_days():
    choice = choose(RATES, Requirement(ship_day=FRIDAY, service_level="Two Day"))
    assert choice.chosen.service == "Courier"
    assert not next(v for v in choice.verdicts if v.option.carrier == "easypost"
                    and v.option.estimated_days == 3).meets


def test_a_rule_can_force_the_carrier_and_the_service():
    forced = choose(RATES, Requirement(ship_day=FRIDAY, carrier="easypost"))
    assert forced.chosen.service == "USPS GroundAdvantage"
    both = choose(RATES, Requirement(ship_day=FRIDAY, carrier="easypost", service="nextday"))
    assert both.chosen.service == "UPS NextDayAir"


def test_nothing_qualifying_says_why_and_a_late_ship_day_is_flagged():
    choice = choose(RATES, Requirement(ship_day=FRIDAY, deliver_by=FRIDAY,
                                       ship_by=date(2026, 11, 26)))
    assert choice.chosen is None and choice.late_shipping
    assert choice.reason.startswith("no rate meets the requirements: arrives")
