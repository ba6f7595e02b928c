"""What a large purchase order costs: an 850 of 1,000 lines read (strictly, through the Bots
grammars), priced, judged, verified and answered with an 855 in one transaction."""

from __future__ import annotations

import pytest

from oms_desktop.services.b2b import edi
from tests.b2b.world import SUPERVISOR, po_850, wholesale_world

pytestmark = pytest.mark.benchmark
LINES = 1000


def test_receiving_an_850_of_1000_lines(benchmark, db):
    wholesale_world(db, credit_limit="10000000")
    lines = [(str(n), 1 + n % 7, "9.00", f"B-{n}", "SKU-1" if n % 2 else "SKU-2")
             for n in range(1, LINES + 1)]
    text = po_850(lines=lines)

    got = benchmark.pedantic(lambda: edi.receive(db, actor=SUPERVISOR, content=text,
                                                 file_name="big.x12"), rounds=1, iterations=1)
    [po] = got.orders
    assert len(po.lines) == LINES and po.status == "verified"
    print(f"\n{db.dialect}: {benchmark.stats.stats.mean:.2f} s for {LINES} lines")
