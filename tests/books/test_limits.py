"""The targets' limits and tokens: QuickBooks' 429 is waited out; Xero's day limit leaves the
posting for a later run (its Retry-After is hours); a refresh token the target rotates is
kept in the keyring and used from then on."""

from __future__ import annotations

from datetime import timedelta

from oms_desktop.model import SYSTEM, utcnow
from oms_desktop.services.books import posting, targets
from oms_desktop.storage import Database
from tests.books import emulator as base
from tests.books.world import postings, set_up_quickbooks, set_up_xero, shipped
from tests.books.xero_emulator import XeroEmulator


def _quickbooks_with_clock(db: Database):
    waits: list[float] = []
    with db.uow(readonly=True) as uow:
        config = targets.target_settings(uow.session, "quickbooks")
    return targets.build("quickbooks", config, sleep=waits.append), waits


def test_quickbooks_429_answers_are_waited_out_and_the_receipt_made_once(db, books, qbo):
    set_up_quickbooks(db, qbo)
    shipped(db, {"SKU-1": 1})
    qbo.throttle(2)
    plugin, waits = _quickbooks_with_clock(db)

    result = posting.post_pending(db, actor=SYSTEM, target="quickbooks", plugin=plugin)

    assert result.posted == 1 and len(qbo.all_docs()) == 1
    assert len(waits) == 2 and 1.0 <= waits[0] <= 2.0 and 2.0 <= waits[1] <= 4.0


def test_xeros_day_limit_leaves_the_rest_for_a_later_run(db, books):
    with XeroEmulator(per_day=3) as xero:
        set_up_xero(db, xero)
        for _ in range(3):
            shipped(db, {"SKU-2": 1})
        xero.day_count = 1  # two calls left today

        result = posting.post_pending(db, actor=SYSTEM, target="xero")

        # the second answer said none are left: the third is not sent to be refused
        assert (result.posted, result.waiting, result.failed) == (2, 1, 0)
        assert xero.refused == []
        (waiting,) = [p for p in postings(db) if p.status.value == "pending"]
        assert "calls for today are spent" in waiting.last_error
        assert waiting.next_attempt_at > utcnow() + timedelta(minutes=50)
        # the next run has nothing due: it does not call Xero at all
        calls = len(xero.requests)
        assert posting.post_pending(db, actor=SYSTEM, target="xero").posted == 0
        assert len(xero.requests) == calls


def test_a_429_for_the_day_waits_as_long_as_xero_says(db, books):
    with XeroEmulator(per_day=5) as xero:
        set_up_xero(db, xero)
        shipped(db, {"SKU-2": 1})
        xero.day_count = 5  # another program spent today's calls

        result = posting.post_pending(db, actor=SYSTEM, target="xero")

        assert result.waiting == 1 and xero.refused == ["day"]
        (waiting,) = postings(db)
        assert "rate limiting" in waiting.last_error
        assert waiting.next_attempt_at > utcnow() + timedelta(hours=11)  # Retry-After: 12 h


def test_a_rotated_refresh_token_is_kept_in_the_keyring_and_used_next_time(db, books, qbo):
    ring = books
    set_up_quickbooks(db, qbo)
    shipped(db, {"SKU-1": 1})
    posting.post_pending(db, actor=SYSTEM, target="quickbooks")

    newest = ring.store[("oms-desktop", "books:quickbooks:refresh_token.rotated")]
    assert newest != base.FIRST_REFRESH and newest in qbo.refresh_tokens
    # a new process (nothing remembered) after the first token stopped working
    targets._rotated.clear()
    qbo.refresh_tokens.discard(base.FIRST_REFRESH)
    qbo.access_tokens.clear()
    shipped(db, {"SKU-2": 1})
    assert posting.post_pending(db, actor=SYSTEM, target="quickbooks").posted == 1
    assert len(qbo.all_docs()) == 2


def test_refused_credentials_stop_the_run_in_one_line_and_leave_the_posting_to_send(
        db, db_url, books, qbo, monkeypatch, cli_admin, capsys):
    from oms_desktop.cli import main

    set_up_quickbooks(db, qbo)
    shipped(db, {"SKU-1": 1})
    monkeypatch.setenv(targets.secret_ref("quickbooks", "client_secret").env_name,
                       "not-the-client-secret-42")

    assert main(["books", "post", "quickbooks", "--db", db_url]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "QuickBooks Online refused to give us an access token" in err
    assert "not-the-client-secret-42" not in err
    (waiting,) = postings(db)
    assert waiting.status.value == "pending" and "access token" in waiting.last_error
    assert qbo.writes() == []


def test_a_long_order_number_keeps_its_distinguishing_end_in_quickbooks(db, books, qbo):
    set_up_quickbooks(db, qbo)
    shipped(db, {"SKU-1": 1}, number="114-3941689-8772232")  # an Amazon order number

    assert posting.post_pending(db, actor=SYSTEM, target="quickbooks").posted == 1
    (receipt,) = qbo.all_docs()
    assert len(receipt["DocNumber"]) == 21 and receipt["DocNumber"].endswith("-S1")


def test_xeros_minute_limit_is_waited_out_before_a_429_is_spent(db, books):
    class Clock:
        now = 1000.0

        def __call__(self):
            return self.now

        def sleep(self, seconds):
            self.now += seconds

    clock = Clock()
    with XeroEmulator(per_minute=2) as xero:
        xero.clock = clock
        set_up_xero(db, xero)
        for _ in range(3):
            shipped(db, {"SKU-1": 1})
        with db.uow(readonly=True) as uow:
            config = targets.target_settings(uow.session, "xero")
        plugin = targets.build("xero", config, sleep=clock.sleep)

        result = posting.post_pending(db, actor=SYSTEM, target="xero", plugin=plugin)

        assert result.posted == 3 and len(xero.all_docs()) == 3
        assert plugin.http.waits == [60.0] and xero.refused == []
