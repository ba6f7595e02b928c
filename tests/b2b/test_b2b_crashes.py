"""The EDI folders after a kill -9 between the database and the file system: the 850 whose
order was committed but whose file was not moved is taken once on the next run; the document
written but not marked sent is written again under the same name, nothing doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from oms_desktop.services.b2b import edi
from oms_desktop.services.orders import views as orders
from oms_desktop.storage.crashpoints import ENV
from tests.b2b.world import po_850, wholesale_world


def _cli(*argv: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if crash_at:
        env[ENV] = crash_at
    return subprocess.run([sys.executable, "-m", "oms_desktop", *argv], env=env,
                          capture_output=True, text=True, timeout=180)


def test_killed_between_commit_and_file_move_the_850_is_taken_once(db, cli_admin, tmp_path):
    wholesale_world(db)
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    (inbox / "po.x12").write_text(po_850())

    killed = _cli("b2b", "edi", "receive", str(inbox), "--db", db.url,
                  crash_at="edi.received")
    assert killed.returncode == -signal.SIGKILL and (inbox / "po.x12").exists()
    again = _cli("b2b", "edi", "receive", str(inbox), "--db", db.url)
    assert again.returncode == 0 and "already received" in again.stdout
    assert (inbox / "done" / "po.x12").exists()
    assert [o.number for o in orders.list_orders(db)] == ["PO-4711"]

    killed = _cli("b2b", "edi", "send", str(out), "--db", db.url, crash_at="edi.written")
    assert killed.returncode == -signal.SIGKILL
    [written] = out.glob("855_*.x12")
    first = written.read_text()
    assert _cli("b2b", "edi", "send", str(out), "--db", db.url).returncode == 0
    assert [p.name for p in out.iterdir()] == [written.name] and written.read_text() == first
    assert _cli("b2b", "edi", "send", str(out), "--db", db.url).stdout.count(".x12") == 0
    assert [k for k, _, _ in edi.documents(db)] == ["850", "855"]
