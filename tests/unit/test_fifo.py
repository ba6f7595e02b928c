"""FIFO cost layers: receipts at cost make layers, issues take the oldest first, transfers
carry their layers' age, returns come back at the cost they left with."""

from decimal import Decimal as D
from itertools import count

from oms_desktop.policies.fifo import FifoBook, LedgerMove

WH, STORE = 1, 2
ids = count(1)


def receive(book, qty, cost, *, at=WH, product=7):
    return book.apply(LedgerMove(next(ids), product, None, at, qty, D(cost)))


def issue(book, qty, *, at=WH, product=7, order=None):
    return book.apply(LedgerMove(next(ids), product, at, None, qty, origin=order))


def test_an_issue_takes_the_oldest_layer_first_and_splits_a_layer_it_half_uses():
    book = FifoBook()
    receive(book, 10, "2.00")
    receive(book, 5, "3.00")
    # 12 out: all 10 at 2.00 and 2 of the 5 at 3.00
    assert issue(book, 12).value == D("26.00")
    assert [(c, q) for _, c, q in book.snapshot()[(7, WH)]] == [(D("3.00"), 3)]
    # the next issue takes what is left of the second layer before anything newer
    receive(book, 4, "5.00")
    assert issue(book, 4).value == D("3.00") * 3 + D("5.00")
    assert book.quantity(7, WH) == 3 and book.value_by_location()[WH] == D("15.00")


def test_layers_are_per_product_and_location():
    book = FifoBook()
    receive(book, 2, "1.00", product=1)
    receive(book, 2, "9.00", product=2)
    receive(book, 2, "4.00", at=STORE, product=1)
    assert issue(book, 1, product=1, at=STORE).value == D("4.00")
    assert issue(book, 1, product=1).value == D("1.00")
    assert book.value_by_location() == {WH: D("1.00") + D("18.00"), STORE: D("4.00")}


def test_a_transfer_carries_its_layers_and_their_age_to_the_other_location():
    book = FifoBook()
    receive(book, 3, "1.00")  # old
    receive(book, 3, "2.00", at=STORE)  # newer, already at the store
    moved = book.apply(LedgerMove(next(ids), 7, WH, STORE, 2))
    assert moved.value == D("2.00")
    # at the store the units from the warehouse are older: they go first
    assert issue(book, 3, at=STORE).value == D("1.00") * 2 + D("2.00")
    assert book.value_by_location() == {WH: D("1.00"), STORE: D("4.00")}


def test_a_return_is_restocked_at_the_cost_it_left_with_not_todays_layers():
    book = FifoBook()
    receive(book, 2, "10.00")
    sold = issue(book, 2, order="order:1")
    receive(book, 5, "14.00")  # the price went up since
    back = book.apply(LedgerMove(next(ids), 7, None, WH, 1, origin="order:1", restock=True))
    assert sold.value == D("20.00") and back.value == D("10.00") and back.guessed == 0
    # it is a new layer at the end of the queue, at its old cost
    assert [(c, q) for _, c, q in book.snapshot()[(7, WH)]] == [(D("14.00"), 5),
                                                                 (D("10.00"), 1)]


def test_a_return_of_more_than_left_for_that_order_guesses_the_rest_at_the_last_cost():
    book = FifoBook()
    receive(book, 1, "10.00")
    issue(book, 1, order="order:9")
    receive(book, 1, "12.00")
    back = book.apply(LedgerMove(next(ids), 7, None, WH, 2, origin="order:9", restock=True))
    assert back.value == D("22.00") and back.guessed == 1


def test_a_receipt_without_a_cost_takes_the_last_known_one_and_is_counted_as_guessed():
    book = FifoBook()
    first = book.apply(LedgerMove(next(ids), 7, None, WH, 2))  # nothing known yet: zero
    receive(book, 1, "6.50")
    later = book.apply(LedgerMove(next(ids), 7, None, WH, 2))
    assert (first.value, first.guessed) == (D(0), 2)
    assert (later.value, later.guessed) == (D("13.00"), 2)


def test_more_units_out_than_layers_hold_values_the_shortfall_at_the_last_cost():
    book = FifoBook()
    receive(book, 1, "4.00")
    out = issue(book, 3)
    assert (out.value, out.guessed) == (D("12.00"), 2)
    assert book.quantity(7, WH) == 0


def test_a_move_inside_one_location_is_worth_nothing_to_the_books():
    book = FifoBook()
    receive(book, 1, "4.00")
    assert book.apply(LedgerMove(next(ids), 7, WH, WH, 1)).value == 0
    assert book.value_by_location() == {WH: D("4.00")}


def test_value_in_equals_value_out_plus_value_held_over_a_random_ledger():
    import random

    rng, book = random.Random(19), FifoBook()
    value_in = value_out = D(0)
    held = {WH: 0, STORE: 0}
    for _ in range(2000):
        at = rng.choice((WH, STORE))
        if held[at] == 0 or rng.random() < 0.35:
            q = rng.randint(1, 9)
            value_in += receive(book, q, f"{rng.randint(100, 999) / 100:.2f}", at=at).value
            held[at] += q
        elif rng.random() < 0.2:
            other = STORE if at == WH else WH
            q = rng.randint(1, held[at])
            book.apply(LedgerMove(next(ids), 7, at, other, q))
            held[at] -= q
            held[other] += q
        else:
            q = rng.randint(1, held[at])
            out = issue(book, q, at=at)
            assert out.guessed == 0
            value_out += out.value
            held[at] -= q
    assert sum(book.value_by_location().values()) == value_in - value_out
    assert book.quantity(7, WH) == held[WH] and book.quantity(7, STORE) == held[STORE]
