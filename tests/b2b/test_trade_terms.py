"""Payment terms, price choice, early-payment discount and aging as pure rules."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from oms_desktop.policies.trade_terms import (
    PriceRow, aging_bucket, choose_price, discount_allowed, parse_terms,
)

D = Decimal


def test_terms_read_net_and_early_payment_discount():
    t = parse_terms("2/10 net 30")
    assert (t.net_days, t.discount_percent, t.discount_days, t.text) == (30, D(2), 10,
                                                                          "2/10 net 30")
    assert t.due(date(2026, 12, 5)) == date(2027, 1, 4)
    assert t.discount_until(date(2026, 12, 5)) == date(2026, 12, 15)
    assert parse_terms("Net 60").text == "net 60" and parse_terms("net 60").discount_until(
        date(2026, 1, 1)) is None


@pytest.mark.parametrize("text", ["30 days", "2/40 net 30", "100/10 net 30", "net", "net 999"])
def test_terms_that_make_no_sense_are_refused(text):
    with pytest.raises(ValueError):
        parse_terms(text)


ROWS = [PriceRow(D("10.00")), PriceRow(D("9.00"), 10),
        PriceRow(D("8.00"), 10, date(2026, 1, 1), date(2026, 1, 31)),
        PriceRow(D("9.50"), 1, for_customer=True)]


def test_the_customers_own_price_beats_the_groups_and_breaks_need_the_quantity():
    day = date(2026, 6, 1)
    assert choose_price(ROWS, 5, day, D(12)) == (D("9.50"), "customer price from 1")
    group_only = ROWS[:3]
    assert choose_price(group_only, 5, day, D(12)) == (D("10.00"), "group price from 1")
    assert choose_price(group_only, 10, day, D(12)) == (D("9.00"), "group price from 10")
    assert choose_price(group_only, 10, date(2026, 1, 15), D(12))[0] == D("8.00")
    assert choose_price([], 3, day, D(12)) == (D(12), "list price")


def test_the_discount_is_taken_only_within_its_days():
    assert discount_allowed(D("118.50"), D(2), date(2026, 12, 15), date(2026, 12, 15)) == \
        D("2.37")
    assert discount_allowed(D("118.50"), D(2), date(2026, 12, 15), date(2026, 12, 16)) == 0
    assert discount_allowed(D("118.50"), D(0), None, date(2026, 12, 1)) == 0


def test_aging_buckets_count_days_past_the_due_date():
    due = date(2026, 12, 1)
    assert [aging_bucket(due, due + timedelta(days=late)) for late in (0, 1, 30, 31, 60, 61,
                                                                     90)] == [
        "current", "1-30", "1-30", "31-60", "31-60", "61-90", "61-90"]
    assert aging_bucket(due, date(2027, 3, 2)) == "90+"
