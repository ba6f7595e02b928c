"""Posting from several OS processes, and a poster killed (SIGKILL) right after the target
answered: every document is made once at the target, whoever sends it and however often."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter

import pytest

from tests.books.world import postings, set_up_quickbooks, set_up_xero, shipped


def start_post(url: str, target: str, *, crash_at: str | None = None,
               lease: float = 300) -> subprocess.Popen:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env.pop("OMS_CRASH_AT", None)
    if crash_at:
        env["OMS_CRASH_AT"] = crash_at
    return subprocess.Popen([sys.executable, "-m", "oms_desktop", "books", "post", target,
                             "--db", url, "--lease-seconds", str(lease)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _set_up(db, target, qbo, xero):
    if target == "quickbooks":
        set_up_quickbooks(db, qbo)
        return qbo
    set_up_xero(db, xero)
    return xero


def _numbers(emulator) -> list[str]:
    return [d.get("DocNumber") or d.get("InvoiceNumber") for d in emulator.all_docs()]


@pytest.mark.parametrize("target", ["quickbooks", "xero"])
def test_two_processes_posting_the_same_outbox_make_each_document_once(
        db, db_url, books, cli_admin, qbo, xero, target):
    emulator = _set_up(db, target, qbo, xero)
    emulator.latency = 0.2  # each process makes under 5 calls a second (QuickBooks: 10)
    emulator.callers_expected = 2  # no answers until both processes have their token
    for i in range(6):
        shipped(db, {"SKU-1": 1 + i % 2, "SKU-2": 1})

    runs = [start_post(db_url, target) for _ in range(2)]
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in runs]

    assert [code for code, _ in outcomes] == [0, 0], outcomes
    numbers = _numbers(emulator)
    assert len(numbers) == 6 and len(set(numbers)) == 6
    assert len(emulator.writes()) == 6  # each claimed by one process: none sent twice
    assert len({r[4]["authorization"] for r in emulator.writes()}) == 2  # both posted some
    assert {p.status.value for p in postings(db)} == {"posted"}
    assert sorted(p.number for p in postings(db)) == sorted(numbers)


@pytest.mark.parametrize("target", ["quickbooks", "xero"])
def test_a_poster_killed_after_the_target_answered_posts_nothing_twice_when_run_again(
        db, db_url, books, cli_admin, qbo, xero, target):
    emulator = _set_up(db, target, qbo, xero)
    for i in range(3):
        shipped(db, {"SKU-1": 1, "SKU-2": i + 1})

    killed = start_post(db_url, target, crash_at="books.posted", lease=1)
    killed.wait(timeout=60)

    assert killed.returncode == -9
    assert len(emulator.all_docs()) == 1  # the target made the first document...
    assert [p.status.value for p in postings(db)][0] == "sending"  # ...we never heard
    time.sleep(1.2)  # the dead worker's lease runs out
    rerun = start_post(db_url, target)
    assert rerun.wait(timeout=60) == 0, rerun.stderr.read()

    numbers = _numbers(emulator)
    assert len(numbers) == 3 and len(set(numbers)) == 3
    # the first posting was sent twice with one key, and answered with one document
    keys = Counter(r[2].get("requestid") or r[4].get("idempotency-key")
                   for r in emulator.writes())
    assert sorted(keys.values()) == [1, 1, 2]
    first = postings(db)[0]
    assert first.status.value == "posted" and first.remote_id in {
        d.get("Id") or d.get("InvoiceID") for d in emulator.all_docs()}
