"""A station killed (`kill -9`) in the middle of dispatching or receiving a transfer, after
its first line's stock moved: nothing of it is kept, and running it again does it once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from oms_desktop.model import SYSTEM
from oms_desktop.services.inventory import stock, transfers
from oms_desktop.storage.crashpoints import ENV
from tests.brands.world import PINS

KILLED = -signal.SIGKILL


def oms(db, *argv: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMS_USER": "owner", "OMS_PIN": PINS["owner"]}
    env.pop(ENV, None)
    if crash_at:
        env[ENV] = crash_at
    return subprocess.run([sys.executable, "-m", "oms_desktop", *argv, "--db", db.url],
                          env=env, capture_output=True, text=True, timeout=180)


def levels(db) -> dict[tuple[str, str], int]:
    return {(r.sku, r.location): r.on_hand for r in stock.levels(db)}


@pytest.mark.parametrize("verb", ["dispatch", "receive"])
def test_a_transfer_killed_half_way_keeps_nothing_and_runs_again_once(world, verb):
    db, _ = world
    t = transfers.propose(db, actor=SYSTEM, from_site="CORK-A", to_site="CORK-B",
                          lines=[("MUG", 3), ("BOWL", 2)])
    if verb == "receive":
        transfers.dispatch(db, actor=SYSTEM, transfer=t.id)
    before, status = levels(db), transfers.get_transfer(db, actor=SYSTEM, transfer=t.id).status

    killed = oms(db, "transfers", verb, t.label, crash_at=f"transfer.{verb}.line")

    assert killed.returncode == KILLED, killed.stderr
    assert levels(db) == before and stock.reconcile(db) == []
    assert transfers.get_transfer(db, actor=SYSTEM, transfer=t.id).status == status
    again = oms(db, "transfers", verb, t.label, "--json")
    assert again.returncode == 0, again.stderr
    done = transfers.get_transfer(db, actor=SYSTEM, transfer=t.id)
    assert done.status == {"dispatch": "dispatched", "receive": "received"}[verb]
    assert stock.reconcile(db) == []
    after = levels(db)
    moved = sum(abs(after.get(k, 0) - before.get(k, 0)) for k in set(after) | set(before))
    assert moved == 2 * 5  # each unit left one place and arrived at another, once
