"""The dashboard's set-up checklist: each step not done yet, with how to do it, and a button
to the set-up wizard. A step's row opens the wizard on that step's page (open_step). It hides
itself once everything is set up."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from oms_desktop.services import setup_status
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.stock_scan import run_for

TODO = "color: #9a3412; font-size: 14pt; font-weight: 700;"


class SetupChecklist(QFrame):
    open_wizard = Signal()
    open_step = Signal(str)  # a step's key: the wizard opens on its page

    def __init__(self, ctx: AppContext, parent=None, *, with_button: bool = True):
        super().__init__(parent, objectName="Card")
        self._ctx = ctx
        self.steps: list[setup_status.SetupStep] | None = None
        self.title = QLabel("Still to set up", accessibleName="Set-up checklist")
        self.title.setStyleSheet("font-size: 16pt; font-weight: 700;")
        self.rows = QVBoxLayout()
        self.button = QPushButton("Open the set-up &wizard", accessibleName="Open set-up wizard")
        self.button.clicked.connect(self.open_wizard)
        self._on_dashboard = with_button
        if not with_button:
            self.button.hide()  # (setVisible(True) on a child here would take the focus away)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(self.rows)

    def reload(self) -> None:
        db = self._ctx.db
        run_for(self, self._ctx, lambda: setup_status.setup_steps(db), success=self.show_steps)

    def show_steps(self, steps: list[setup_status.SetupStep]) -> None:
        self.steps = steps
        while self.rows.count():
            item = self.rows.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        missing = [s for s in steps if not s.done]
        for step in missing:
            row = QPushButton(f"☐  {step.title} — {step.how}", accessibleName=step.title,
                              flat=True, toolTip="Open the set-up wizard on this step")
            row.setStyleSheet(TODO + " text-align: left;")
            row.setCursor(Qt.PointingHandCursor)
            row.clicked.connect(lambda _=False, key=step.key: self.open_step.emit(key))
            self.rows.addWidget(row)
        if not missing:
            self.rows.addWidget(QLabel("Everything is set up.", accessibleName="All set up"))
        self.setVisible(bool(missing) or not self._on_dashboard)

    def missing(self) -> list[str]:
        return [s.key for s in self.steps or () if not s.done]
