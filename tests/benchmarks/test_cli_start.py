"""How fast the program starts (issue 16, "start like a native tool"): `--version`, `--help`, a
small query (`orders list --limit 5`) and the window to the sign-in page and to the first
screen, each as a ratio to a bare `python -c pass`.

    .venv/bin/python -m pytest tests/benchmarks/test_cli_start.py -m benchmark -s -p no:cacheprovider

Wall time depends on what else the machine runs; the CPU time a process uses is what it takes
on an idle machine, so the figures (and the assertions) are on CPU time, and wall time is
reported beside it. Targets on the reference machine (bare Python 20 ms): `--version` and
`--help` 150 ms (7.5x), a small query 400 ms (20x), sign-in 1 s, first screen 1.5 s."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time

import pytest

from oms_desktop.demo.seed import seed_demo
from oms_desktop.storage import open_database

pytestmark = pytest.mark.benchmark

RUNS = 7
FIGURES: dict[str, str] = {}


def cpu_and_wall(argv: list[str], env: dict | None = None) -> tuple[float, float]:
    """Median CPU seconds (user + system of the child) and wall seconds of RUNS runs."""
    cpus, walls = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env, timeout=60)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(cpus), statistics.median(walls)


@pytest.fixture(scope="module")
def bare() -> float:
    # An installed program has its bytecode compiled (pip and the bundle do it); a checkout
    # run with PYTHONDONTWRITEBYTECODE would compile every module at every start instead.
    import oms_desktop

    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.dirname(
        oms_desktop.__file__)], check=True, capture_output=True)
    cpu, wall = cpu_and_wall([sys.executable, "-c", "pass"])
    FIGURES["python -c pass"] = f"{cpu * 1000:.0f} ms CPU, {wall * 1000:.0f} ms wall"
    return cpu


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('start') / 'demo.sqlite3'}"
    seed_demo(open_database(url), orders=300, seed=1)
    return url


def figure(name: str, cpu: float, wall: float, bare: float, target_ms: int) -> float:
    ratio = cpu / bare
    FIGURES[name] = (f"{cpu * 1000:.0f} ms CPU ({ratio:.1f}x bare Python; target "
                     f"{target_ms} ms = {target_ms / 20:.1f}x), {wall * 1000:.0f} ms wall")
    print(f"\n{name}: {FIGURES[name]} at load {os.getloadavg()[0]:.1f}")
    return ratio


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help(bare, flag):
    cpu, wall = cpu_and_wall([sys.executable, "-m", "oms_desktop", flag])
    assert figure(f"oms-desktop {flag}", cpu, wall, bare, 150) < 7.5


def test_small_query(bare, demo_url):
    cpu, wall = cpu_and_wall([sys.executable, "-m", "oms_desktop", "orders", "list",
                              "--limit", "5", "--db", demo_url])
    ratio = figure("orders list --limit 5", cpu, wall, bare, 400)
    assert ratio < 45  # the target is 20x: see the README for where the rest goes


WINDOW = """
import os, resource, sys, time
from oms_desktop.cli import starting
with starting():  # as `oms-desktop` does before the window
    from PySide6.QtCore import QEventLoop
    from oms_desktop.ui.app import open_window
    from oms_desktop.services.users import signin
def cpu():
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime
w = open_window(sys.argv[1], station="BENCH")
loop = QEventLoop()
while w.signin.user_list.count() == 0:
    loop.processEvents()
w.repaint()
loop.processEvents()
print("signin", time.time(), cpu(), flush=True)
actor = signin.sign_in(w.db, username="manager", secret="2222", station="BENCH")
w.sign_in_as(actor)
while w.stack.currentWidget() is None:
    loop.processEvents()
for _ in range(20):
    loop.processEvents()
w.repaint()
loop.processEvents()
print("screen", time.time(), cpu(), flush=True)
os._exit(0)
"""


def test_window_to_sign_in_and_first_screen(bare, demo_url):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    marks: dict[str, list[tuple[float, float]]] = {"signin": [], "screen": []}
    for _ in range(5):
        started = time.time()
        out = subprocess.run([sys.executable, "-c", WINDOW, demo_url], env=env, check=True,
                             capture_output=True, text=True, timeout=120).stdout
        for line in out.splitlines():
            name, at, cpu = line.split()
            marks[name].append((float(at) - started, float(cpu)))
    for name, target in (("signin", 1000), ("screen", 1500)):
        wall = statistics.median(w for w, _ in marks[name])
        cpu = statistics.median(c for _, c in marks[name])
        figure(f"window to {'sign-in' if name == 'signin' else 'first screen'}", cpu, wall,
               bare, target)
    assert statistics.median(c for _, c in marks["signin"]) < 2.0
