"""Postings to QuickBooks Online and Xero: written when an order ships, sent once, shown with
the target's id; a missing mapping blocks only the postings that need it."""

from __future__ import annotations

from decimal import Decimal

from oms_desktop.model import SYSTEM
from oms_desktop.services.books import posting
from tests.books.world import postings, set_up_quickbooks, set_up_xero, shipped


def test_a_shipped_order_is_posted_once_to_each_target_with_their_ids(db, books, qbo, xero):
    set_up_quickbooks(db, qbo)
    set_up_xero(db, xero)
    shipped(db, {"SKU-1": 2, "SKU-2": 1}, discount="5.00")  # 90 - 5 + 8.50 tax + 8 ship

    # the shipment's transaction wrote one posting per target
    assert [(p.target, p.status.value, p.amount) for p in postings(db)] == [
        ("quickbooks", "pending", Decimal("101.50")), ("xero", "pending", Decimal("101.50"))]
    for target in ("quickbooks", "xero"):
        result = posting.post_pending(db, actor=SYSTEM, target=target)
        assert (result.posted, result.failed, result.blocked) == (1, 0, 0)
    # a second run finds nothing to send
    assert posting.post_pending(db, actor=SYSTEM, target="xero").posted == 0

    (receipt,) = qbo.all_docs()
    assert receipt["TotalAmt"] == 101.5 and receipt["CustomerRef"] == {"value": "58"}
    assert set(qbo.minorversions) == {"75"}
    (invoice,) = xero.all_docs()
    assert invoice["Type"] == "ACCREC" and invoice["Total"] == 101.5
    by_target = {p.target: p for p in postings(db)}
    assert by_target["quickbooks"].remote_id == receipt["Id"]
    assert by_target["xero"].remote_id == invoice["InvoiceID"]
    assert all(p.status.value == "posted" and p.remote_total == Decimal("101.50")
               for p in by_target.values())


def test_an_unmapped_tax_code_blocks_only_the_postings_that_need_it(db, books, qbo):
    set_up_quickbooks(db, qbo, skip=(("tax", "DE"),))
    shipped(db, {"SKU-1": 1}, channel="WEB", country="US")
    shipped(db, {"SKU-2": 3}, channel="MKT", currency="EUR", country="DE", tax_rate="0.19")

    result = posting.post_pending(db, actor=SYSTEM, target="quickbooks")

    assert (result.posted, result.blocked) == (1, 1)
    blocked = [p for p in postings(db) if p.status.value == "blocked"]
    assert len(blocked) == 1 and blocked[0].currency == "EUR"
    assert "tax code for country DE" in blocked[0].last_error
    assert len(qbo.all_docs()) == 1  # nothing of the blocked one reached QuickBooks

    # the mapping is fixed, the blocked posting retried: now it goes through
    from oms_desktop.services.books import mappings
    mappings.set_mapping(db, actor=SYSTEM, target="quickbooks", kind="tax", key="DE", value="7")
    assert posting.retry(db, actor=SYSTEM, target="quickbooks") == 1
    assert posting.post_pending(db, actor=SYSTEM, target="quickbooks").posted == 1
    assert [d["CurrencyRef"]["value"] for d in qbo.all_docs()] == ["USD", "EUR"]


def test_a_refusal_keeps_the_targets_words_and_is_retried_after_the_mapping_is_fixed(
        db, books, xero):
    set_up_xero(db, xero)
    from oms_desktop.services.books import mappings
    mappings.set_mapping(db, actor=SYSTEM, target="xero", kind="account", key="income",
                         value="999")
    shipped(db, {"SKU-1": 1})

    result = posting.post_pending(db, actor=SYSTEM, target="xero")

    assert result.failed == 1
    (failed,) = postings(db)
    assert failed.status.value == "failed"
    assert "Account code '999' is not a valid code for this document." in failed.last_error
    mappings.set_mapping(db, actor=SYSTEM, target="xero", kind="account", key="income",
                         value="200")
    posting.retry(db, actor=SYSTEM, target="xero")
    # the retry carries the same idempotency key; the refusal was not remembered against it
    assert posting.post_pending(db, actor=SYSTEM, target="xero").posted == 1
    assert len(xero.all_docs()) == 1


def test_a_click_and_collect_order_is_posted_on_the_day_it_was_handed_over(db, books, xero):
    from datetime import date

    from oms_desktop.services.books import reconcile
    set_up_xero(db, xero)
    shipped(db, {"SKU-1": 1}, shipping="0.00", pickup=True)

    assert posting.post_pending(db, actor=SYSTEM, target="xero").posted == 1
    (collected,) = postings(db)
    assert collected.day == date.today() and collected.amount == Decimal("44.00")
    report = reconcile.reconcile(db, target="xero", first=date.today(), last=date.today())
    assert report.balanced and report.rows[0].shipped == Decimal("44.00")
