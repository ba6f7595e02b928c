"""A manager in the real window: the New filter chosen by keyboard, Ctrl+A, Verify
(Ctrl+Shift+V), the count confirmed in a dialog, and every new order verified or held by
the checks: all of them, not the 200 rows the table has loaded."""

from __future__ import annotations

import time

import pytest

from tests.realwindow.conftest import sign_in
from tests.realwindow.polling import wait_until

MANAGER = ("Mor", "manager", "2222")  # what to type to find the user, user name, PIN
NEW = "SELECT id FROM orders WHERE status = 'new' ORDER BY id"
LEFT_NEW = "SELECT COUNT(*) FROM orders WHERE status = 'new' AND id <= ?"
DECIDED = ("SELECT COUNT(DISTINCT order_id) FROM audit_events WHERE actor_name = 'manager' "
           "AND from_state = 'new' AND to_state IN ('verified', 'on_hold') AND order_id <= ?")


@pytest.fixture(scope="module")
def manager(program, desk):
    sign_in(program, desk.records, *MANAGER)
    return program


def find_window(station, title: str) -> str:
    """The id of the program's window titled `title`, or "" when there is none."""
    try:
        found = station.xdotool("search", "--all", "--onlyvisible", "--pid",
                                str(station.process.pid), "--name", f"^{title}$", timeout=5)
    except RuntimeError:  # xdotool exits 1 when nothing matches
        return ""
    return found.split()[0] if found.split() else ""


def test_select_all_confirms_the_count_and_verifies_every_new_order(manager, desk):
    new = [row[0] for row in desk.records.rows(NEW)]
    assert len(new) > 200, "the demo should hold more new orders than one loaded page"
    last = new[-1]
    manager.press("ctrl+2", "ctrl+f", "Tab")  # Orders, its search field, the status filter
    manager.type_by_hand("New")  # the combo box jumps to the item typed
    title = f"Verify all {len(new):,} matching orders"
    manager.press("ctrl+a", "ctrl+shift+v")
    dialog = wait_until(lambda: find_window(manager, title), timeout=15)
    time.sleep(0.5)  # for the picture only: the dialog painted
    manager.screenshot(desk.folder / "confirm-verify-all.png")
    assert dialog, f"no dialog titled {title!r}\n{manager.output()}"
    manager.xdotool("windowfocus", "--sync", dialog)
    manager.press("Return")  # Yes is the default button
    assert wait_until(lambda: desk.records.value(LEFT_NEW, last) == 0, timeout=120), \
        f"{desk.records.value(LEFT_NEW, last)} new orders were left\n{manager.output()}"
    assert desk.records.value(DECIDED, last) == len(new)
    time.sleep(3)  # for the picture only: the summary and the emptied queue
    manager.screenshot(desk.folder / "verified-all.png")
