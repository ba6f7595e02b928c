"""The books: what the unsent postings of a target still need mapped (map it here, by
keyboard: pick the row, type the target's id, Enter), and the postings with their state, the
target's id and its last error; retry the failed and blocked ones, post now."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from oms_desktop.services.books import mappings, posting, status, targets, trade
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.stock_scan import Feedback, ScanField, large, report, run_for
from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table, selected_row

MISSING_COLUMNS = [
    Column("Needs", lambda m: m.label), Column("Postings waiting", lambda m: m.postings, True),
    Column("e.g.", lambda m: m.example),
]
POSTING_COLUMNS = [
    Column("Document", lambda p: p.number), Column("Day", lambda p: p.day),
    Column("Channel", lambda p: p.channel),
    Column("Amount", lambda p: f"{p.amount:,.2f} {p.currency}", True),
    Column("State", lambda p: p.status.value), Column("Target id", lambda p: p.remote_id or ""),
    Column("Last error", lambda p: p.last_error or ""),
]


class BooksScreen(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.target_box = large(QComboBox(accessibleName="Accounting target"), 14)
        self.target_box.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.target_box.setMinimumContentsLength(14)
        self.missing = RowTableModel(MISSING_COLUMNS, self)
        self.missing_table = make_table(self.missing, "Not mapped yet", stretch="e.g.")
        self.value_field = ScanField("The target's id for the selected key",
                                     "The target's id or code, then Enter")
        self.postings = RowTableModel(POSTING_COLUMNS, self)
        self.postings_table = make_table(self.postings, "Postings", stretch="Last error")
        self.retry_button = QPushButton("&Retry failed and blocked (F6)",
                                        accessibleName="Retry postings")
        self.post_button = QPushButton("&Post now (F7)", objectName="Primary",
                                       accessibleName="Post now")
        self.feedback = Feedback("Last books action")
        self._build()
        self.target_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.value_field.scanned.connect(self.map_selected)
        self.retry_button.clicked.connect(self.retry)
        self.post_button.clicked.connect(self.post_now)
        for key, action in (("F5", self.reload), ("F6", self.retry_button.click),
                            ("F7", self.post_button.click)):
            QShortcut(QKeySequence(key), self, action, context=Qt.WidgetWithChildrenShortcut)
        ctx.changes.changed.connect(lambda areas: "books" in areas and self.reload())
        run_for(self, ctx, lambda: targets.set_up_targets(ctx.db), success=self._targets)

    def _build(self) -> None:
        top = QHBoxLayout()
        label = large(QLabel("&Target"), 14)
        label.setBuddy(self.target_box)
        label.setMinimumWidth(label.sizeHint().width() + 12)
        top.addWidget(label)
        top.addWidget(self.target_box)
        top.addStretch(1)
        top.addWidget(self.retry_button)
        top.addWidget(self.post_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(large(QLabel("Not mapped yet: these postings wait for them"), 14))
        layout.addWidget(self.missing_table, 1)
        layout.addWidget(self.value_field)
        layout.addWidget(large(QLabel("Postings"), 14))
        layout.addWidget(self.postings_table, 2)
        layout.addWidget(self.feedback)

    @property
    def target(self) -> str | None:
        return self.target_box.currentText() or None

    def _targets(self, names: list[str]) -> None:
        self.target_box.addItems(names)
        if not names:
            self.feedback.problem("No accounting target is set up: oms-desktop books setup "
                                  "quickbooks|xero --setting …")

    def reload(self) -> None:
        target, db = self.target, self._ctx.db
        if not target:
            return
        run_for(self, self._ctx, lambda: (mappings.unmapped(db, target),
                                          status.list_postings(db, target=target)),
                success=self._show, failure=lambda e: report(self.feedback, e))

    def _show(self, found) -> None:
        missing, postings = found
        self.missing.set_rows(missing)
        self.postings.set_rows(postings)
        if missing:
            self.missing_table.selectRow(0)

    def map_selected(self, value: str) -> None:
        row, target, actor = selected_row(self.missing_table), self.target, self._ctx.actor
        if row is None or not target:
            self.feedback.problem("Pick the key to map in the list first")
            return
        run_for(self, self._ctx, lambda: mappings.set_mapping(
            self._ctx.db, actor=actor, target=target, kind=row.kind, key=row.key, value=value),
            success=self._mapped, failure=lambda e: report(self.feedback, e))

    def _mapped(self, view) -> None:
        self.feedback.ok(f"{view.kind} {view.key} is {view.value} on {view.target}")
        self.reload()

    def retry(self) -> None:
        target, actor = self.target, self._ctx.actor
        if target:
            run_for(self, self._ctx, lambda: posting.retry(self._ctx.db, actor=actor,
                                                           target=target),
                    success=lambda n: (self.feedback.ok(f"{n} posting(s) queued again"),
                                       self.reload()),
                    failure=lambda e: report(self.feedback, e))

    def post_now(self) -> None:
        target, actor, db = self.target, self._ctx.actor, self._ctx.db
        if not target:
            return
        self.feedback.ok(f"Posting to {target}…")
        self._ctx.ops.run(lambda: _post(db, actor, target), network=True,
                          success=self._posted,
                          failure=lambda e: report(self.feedback, e))

    def _posted(self, result) -> None:
        text = (f"{result.posted} posted, {result.failed} failed, {result.blocked} blocked, "
                f"{result.waiting} waiting")
        (self.feedback.ok if not (result.failed or result.blocked) else
         self.feedback.problem)(text)
        self.reload()


def _post(db, actor, target: str):
    """The finished carrier days billed first, then everything due sent."""
    trade.queue_carrier_bills(db, actor=actor)
    return posting.post_pending(db, actor=actor, target=target)
