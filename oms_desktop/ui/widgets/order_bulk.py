"""Bulk actions on the selected orders: each runs in the background through services.bulk with
a progress bar and Cancel, and ends with a summary and the per-order failures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QInputDialog, QLabel, QListWidget, QMessageBox, QProgressBar,
    QPushButton, QVBoxLayout, QWidget,
)

from oms_desktop.errors import ValidationError
from oms_desktop.policies.permissions import allowed
from oms_desktop.services.bulk import BulkResult, Work, per_order, run_bulk
from oms_desktop.services.orders.selection import Matching, order_numbers, run_on_matching
from oms_desktop.ui.context import AppContext

Ask = Callable[[QWidget, AppContext], dict | None]


@dataclass(frozen=True)
class BulkAction:
    key: str
    label: str
    permission: str
    shortcut: str
    build: Callable[[AppContext, dict], Work]  # (ctx, answers) -> work(ids)
    ask: Ask | None = None  # asks for what the action needs; None = the user gave up


# -- what each action asks ------------------------------------------------------------------
def ask_text(title: str, prompt: str, key: str, *, required: bool = True) -> Ask:
    def ask(parent: QWidget, _ctx: AppContext) -> dict | None:
        text, ok = QInputDialog.getText(parent, title, prompt)
        if not ok or (required and not text.strip()):
            return None
        return {key: text.strip()}
    return ask


def ask_cancel(parent: QWidget, ctx: AppContext) -> dict | None:
    answer = ask_text("Cancel orders", "Reason for cancelling (shown in the timeline):",
                      "reason", required=False)(parent, ctx)
    return answer


# -- the work each action does ------------------------------------------------------------------
def _verify(ctx: AppContext, _a: dict) -> Work:
    from oms_desktop.services.orders.pipeline import verify_orders
    return lambda ids: verify_orders(ctx.db, actor=ctx.actor, order_ids=ids)


def _allocate(ctx: AppContext, _a: dict) -> Work:
    from oms_desktop.services.orders.allocation import allocate_orders
    return lambda ids: allocate_orders(ctx.db, actor=ctx.actor, order_ids=ids)


def _hold(ctx: AppContext, a: dict) -> Work:
    from oms_desktop.services.orders.pipeline import hold_order
    return per_order(lambda i: hold_order(ctx.db, actor=ctx.actor, order_id=i,
                                          reason=a["reason"]))


def _release(ctx: AppContext, _a: dict) -> Work:
    from oms_desktop.services.orders.pipeline import release_order
    return per_order(lambda i: release_order(ctx.db, actor=ctx.actor, order_id=i))


def _cancel(ctx: AppContext, a: dict) -> Work:
    from oms_desktop.services.orders.pipeline import cancel_order
    return per_order(lambda i: cancel_order(ctx.db, actor=ctx.actor, order_id=i,
                                            reason=a.get("reason") or None))


def _edit(name: str) -> Callable[[AppContext, dict], Work]:
    def build(ctx: AppContext, a: dict) -> Work:
        from oms_desktop.services.orders import edits as order_edits
        fn = getattr(order_edits, name)
        return lambda ids: fn(ctx.db, actor=ctx.actor, order_ids=ids, **a)
    return build


def _tag_answer(parent: QWidget, ctx: AppContext) -> dict | None:
    answer = ask_text("Tag orders", "Tags, comma separated (put - before a tag to remove it):",
                      "tags")(parent, ctx)
    if answer is None:
        return None
    names = [t.strip() for t in answer["tags"].split(",") if t.strip()]
    return {"add": tuple(t for t in names if not t.startswith("-")),
            "remove": tuple(t[1:] for t in names if t.startswith("-"))}


def _carrier_answer(parent: QWidget, ctx: AppContext) -> dict | None:
    answer = ask_text("Set carrier", "Carrier / service (e.g. ups / ground):", "text")(
        parent, ctx)
    if answer is None:
        return None
    carrier, _, service = answer["text"].partition("/")
    return {"carrier": carrier.strip(), "service": service.strip() or None}


def _location_answer(parent: QWidget, ctx: AppContext) -> dict | None:
    sites = getattr(parent, "sites", [])
    code, ok = QInputDialog.getItem(parent, "Ship from", "Location to ship from:",
                                    ["(let routing choose)"] + list(sites), 0, False)
    if not ok:
        return None
    return {"location": None if code.startswith("(") else code}


ACTIONS: list[BulkAction] = [
    BulkAction("verify", "Verify", "orders.verify", "Ctrl+Shift+V", _verify),
    BulkAction("allocate", "Allocate", "orders.allocate", "Ctrl+Shift+A", _allocate),
    BulkAction("hold", "Hold…", "orders.hold", "Ctrl+Shift+H", _hold,
               ask_text("Hold orders", "Reason for the hold:", "reason")),
    BulkAction("release", "Release", "orders.release", "Ctrl+Shift+R", _release),
    BulkAction("cancel", "Cancel…", "orders.cancel", "Ctrl+Shift+Del", _cancel,
               ask_cancel),
    BulkAction("location", "Ship from…", "orders.edit", "Ctrl+Shift+W",
               _edit("assign_location"), _location_answer),
    BulkAction("carrier", "Carrier…", "orders.edit", "Ctrl+Shift+C", _edit("set_carrier"),
               _carrier_answer),
    BulkAction("tag", "Tag…", "orders.edit", "Ctrl+T", _edit("tag_orders"), _tag_answer),
]


def actions_for(ctx: AppContext) -> list[BulkAction]:
    return [a for a in ACTIONS if allowed(ctx.actor, a.permission)]


class BulkProgress(QWidget):
    """Progress, Cancel and the outcome of the running bulk action."""

    finished = Signal(object)  # BulkResult

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.bar = QProgressBar(accessibleName="Bulk action progress")
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Stop", accessibleName="Stop the bulk action")
        self.text = QLabel("", objectName="Muted")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text, 1)
        row.addWidget(self.bar, 2)
        row.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self.cancel)
        self.handle = None
        self.numbers: dict[int, str] = {}
        self._set_running(False)

    @property
    def running(self) -> bool:
        return self.handle is not None

    def start(self, action: BulkAction, ids: list[int], answers: dict) -> None:
        """The action on these orders (ids, wherever their rows are now)."""
        self._start(action, len(ids), answers,
                    lambda work, task: run_bulk(ids, work, task=task, label=action.label))

    def start_matching(self, action: BulkAction, matching: Matching, answers: dict) -> None:
        """The action on every order the filter matched when counted, paged by id."""
        db = self.ctx.db
        self._start(action, matching.count, answers,
                    lambda work, task: run_on_matching(db, matching, work, task=task,
                                                       label=action.label))

    def _start(self, action: BulkAction, total: int, answers: dict, run) -> None:
        if self.running:
            raise ValidationError("A bulk action is still running; stop it or wait")
        work, db = action.build(self.ctx, answers), self.ctx.db
        self.text.setText(f"{action.label.rstrip('…')}: {total:,} orders")
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(0)
        self._set_running(True)

        def job(task):
            result = run(work, task)
            return result, order_numbers(db, [r.order_id for r in result.failures])
        self.handle = self.ctx.ops.run(job, with_task=True, progress=self._progress,
                                       success=lambda out: self._done(*out),
                                       failure=self._failed)

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.text.setText(self.text.text() + " — stopping after this batch…")

    def _progress(self, done: int, total: int, _text: str) -> None:
        self.bar.setMaximum(total)
        self.bar.setValue(done)

    def _done(self, result: BulkResult, numbers: dict[int, str]) -> None:
        self.handle, self.numbers = None, numbers
        self._set_running(True, finished=True)
        self.text.setText(result.summary())
        if result.failures:
            FailureList(result, self.numbers, self).open()
        self.finished.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.handle = None
        self._set_running(False)
        self.ctx.ops._default_failure(exc)  # the one error display (banner or message)

    def _set_running(self, running: bool, finished: bool = False) -> None:
        self.setVisible(running or finished)
        self.cancel_button.setEnabled(running and not finished)


class FailureList(QDialog):
    """Which orders failed and why (the rest were done)."""

    def __init__(self, result: BulkResult, numbers: dict[int, str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"{len(result.failures):,} orders were not changed")
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.list = QListWidget(accessibleName="Failed orders")
        for r in result.failures:
            self.list.addItem(f"{numbers.get(r.order_id, r.order_id)}: {r.message}")
        close = QPushButton("Close", accessibleName="Close")
        close.clicked.connect(self.accept)
        column = QVBoxLayout(self)
        column.addWidget(QLabel(result.summary()))
        column.addWidget(self.list)
        column.addWidget(close)
        self.resize(640, 360)


def confirm(parent: QWidget, action: BulkAction, count: int) -> bool:
    if action.key not in ("cancel",):
        return True
    answer = QMessageBox.question(parent, action.label, f"Cancel {count:,} orders?")
    return answer == QMessageBox.Yes


def confirm_matching(parent: QWidget, action: BulkAction, count: int) -> bool:
    """Every action on a whole filter is confirmed with its count (Enter says yes, but for
    cancelling, where Enter says no)."""
    verb = action.label.rstrip("…")
    box = QMessageBox(QMessageBox.Question, f"{verb} all {count:,} matching orders",
                      f"{verb} all {count:,} orders matching this filter?",
                      QMessageBox.Yes | QMessageBox.No, parent)
    box.setDefaultButton(QMessageBox.No if action.key == "cancel" else QMessageBox.Yes)
    box.setAccessibleName(f"Confirm {verb.lower()} all matching orders")
    return box.exec() == QMessageBox.Yes
