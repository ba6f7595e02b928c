"""A marketplace report of 300,000 orders (an Amazon order report of about 60 MB, a fifth of
the orders with two items, three rows of junk) imported through the file channel's sync, in a
process of its own so that its peak resident memory is measured alone, on SQLite and
PostgreSQL (the time bound is wall time: measure on a quiet machine; CPU is printed beside):

    OMS_TEST_POSTGRES_URL=… .venv/bin/python -m pytest tests/benchmarks/test_report_files.py \
        -m benchmark --benchmark-enable -s
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.benchmarks.report_import import make_report

ORDERS = 300_000
SECONDS = 120
PEAK_MB = 500


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return make_report(tmp_path_factory.mktemp("report") / "amazon-orders.txt", ORDERS)


@pytest.mark.benchmark
@pytest.mark.parametrize("subscribers", [True, False], ids=["with subscribers", "sync only"])
def test_a_300000_order_report_is_imported_in_bounded_time_and_memory(db_url, report,
                                                                      subscribers):
    argv = [sys.executable, "-m", "tests.benchmarks.report_import", "--db", db_url,
            "--file", str(report)] + ([] if subscribers else ["--no-subscribers"])
    started = os.times()
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    ended = os.times()
    figures = json.loads(done.stdout)
    cpu = (ended.children_user - started.children_user
           + ended.children_system - started.children_system)
    print(f"\n{db_url.split(':')[0]} {'with' if subscribers else 'without'} subscribers: "
          f"{report.stat().st_size / 1e6:.1f} MB, {figures['created']} orders in "
          f"{figures['seconds']} s (CPU {cpu:.1f} s, load {os.getloadavg()[0]:.1f}), "
          f"peak RSS {figures['peak_rss_mb']} MB, {figures['failed']} kept aside")
    assert (figures["status"], figures["created"], figures["failed"]) == ("ok", ORDERS, 2)
    assert figures["peak_rss_mb"] < PEAK_MB
    assert figures["seconds"] < SECONDS  # the target, wall time (a quiet machine)
