import threading

from oms_desktop.errors import OmsError
from oms_desktop.ui.ops import Ops


def test_an_op_runs_off_the_gui_thread_and_returns_on_it(qtbot):
    ops = Ops()
    gui = threading.get_ident()
    seen = {}

    def work():
        seen["worker"] = threading.get_ident()
        return 42

    ops.run(work, success=lambda v: seen.update(value=v, callback=threading.get_ident()))
    qtbot.waitUntil(lambda: "value" in seen, timeout=5000)
    assert seen["value"] == 42 and seen["worker"] != gui and seen["callback"] == gui


def test_a_failed_op_reaches_the_failure_callback(qtbot):
    ops = Ops()
    errors = []

    def work():
        raise OmsError("no such order")

    ops.run(work, failure=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert str(errors[0]) == "no such order"


def test_progress_is_reported_and_cancel_stops_the_op(qtbot):
    ops = Ops()
    reports, errors = [], []
    started = threading.Event()

    def work(task):
        for i in range(1000):
            task.report(i, 1000)
            started.set()
            task.check()
            threading.Event().wait(0.005)
        return "finished"

    handle = ops.run(work, with_task=True, progress=lambda d, t, _: reports.append(d),
                     failure=errors.append, success=lambda v: errors.append(v))
    started.wait(5)
    handle.cancel()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert type(errors[0]).__name__ == "Cancelled"
    qtbot.waitUntil(lambda: bool(reports), timeout=5000)
    assert reports[-1] < 999
