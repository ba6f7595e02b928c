"""Render every main screen from a database to PNG, offscreen:

    python -m oms_desktop.ui.render_screens --db URL --out resources/screenshots

Signs in as a demo user (manager by default; the admin for Settings), opens each screen the
sidebar lists, waits for its background loads, and saves the window; then the detail of an
order with holds and a timeline, and the sign-in page."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def settle(app, window, seconds: float = 1.5) -> None:
    """Let background loads and the callbacks they trigger finish."""
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()  # not app.processEvents(): PySide6 6.12 leaks a None ref per call
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        loop.processEvents()
        window.ops.wait(200)
        loop.processEvents()
        time.sleep(0.02)


def actor_for(db, username: str, station: str):
    from oms_desktop.model import Actor, Role
    from oms_desktop.services.users.accounts import list_users

    user = next(u for u in list_users(db) if u.username == username)
    return Actor(user.username, Role(user.role), user.id, station)


def interesting_order(db) -> int | None:
    """An order worth showing: on hold, with the longest timeline among the first held."""
    from oms_desktop.services.orders import queue

    page = queue.fetch_page(db, queue.QueueFilter(statuses=("on_hold",)), limit=20)
    if not page.rows:
        page = queue.fetch_page(db, queue.QueueFilter(), limit=1)
    return page.rows[0].id if page.rows else None


def save(window, out: Path, name: str) -> Path:
    path = out / f"{name}.png"
    window.grab().save(str(path))
    print(path)
    return path


def render(url: str, out: Path, *, user: str = "manager", size=(1440, 900),
           dark: bool = False) -> list[Path]:
    from oms_desktop.storage import open_database
    from oms_desktop.ui import theme
    from oms_desktop.ui.app import application
    from oms_desktop.ui.main_window import MainWindow

    app = application()
    theme.apply(app, dark=dark)
    db = open_database(url)
    out.mkdir(parents=True, exist_ok=True)
    window = MainWindow(db, station="DEMO-1", live=False, scanner=False)
    window.resize(*size)
    window.show()
    window.start()
    settle(app, window, 0.5)
    saved = [save(window, out, "signin")]
    for username in dict.fromkeys((user, "admin")):
        window.sign_in_as(actor_for(db, username, "DEMO-1"))
        saved += _screens(app, window, out, skip={Path(p).stem for p in saved})
    window.sign_in_as(actor_for(db, user, "DEMO-1"))
    order_id = interesting_order(db)
    if order_id is not None:
        window.show_order(order_id)
        settle(app, window)
        saved.append(save(window, out, "order_detail"))
    window.close()
    return saved


def _screens(app, window, out: Path, skip: set[str]) -> list[Path]:
    saved = []
    for row, entry in enumerate(window.entries):
        name = entry.title.lower()
        if name in skip:
            continue
        window.sidebar.setCurrentRow(row)
        settle(app, window)
        saved.append(save(window, out, name))
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, metavar="URL")
    parser.add_argument("--out", default="resources/screenshots", type=Path)
    parser.add_argument("--user", default="manager")
    parser.add_argument("--dark", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    render(args.db, args.out, user=args.user, dark=args.dark)
    return 0


if __name__ == "__main__":
    sys.exit(main())
