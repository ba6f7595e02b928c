"""The wizard's last page: every step, done or skipped. A skipped step stays on the
dashboard's checklist, whose row opens the wizard again on that step's page."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWizardPage

from oms_desktop.services import setup_status
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.stock_scan import run_for

DONE = "color: #065f46; font-size: 14pt; font-weight: 700;"
SKIPPED = "color: #9a3412; font-size: 14pt; font-weight: 700;"


class SummaryPage(QWizardPage):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.steps: list[setup_status.SetupStep] | None = None
        self.setTitle("What is set up, and what is skipped")
        self.setSubTitle("A skipped step stays on the dashboard's checklist: click its row to "
                         "come back to it here.")
        self.rows = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.rows)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.steps = None
        db = self.ctx.db
        run_for(self, self.ctx, lambda: setup_status.setup_steps(db), success=self.show_steps)

    def show_steps(self, steps: list[setup_status.SetupStep]) -> None:
        while self.rows.count():
            self.rows.takeAt(0).widget().deleteLater()
        for step in steps:
            text = f"✔  {step.title}: done" if step.done else \
                f"–  {step.title}: skipped ({step.how})"
            label = QLabel(text, accessibleName=step.title, wordWrap=True)
            label.setStyleSheet(DONE if step.done else SKIPPED)
            self.rows.addWidget(label)
        self.steps = steps

    def done_keys(self) -> list[str]:
        return [s.key for s in self.steps or () if s.done]

    def skipped_keys(self) -> list[str]:
        return [s.key for s in self.steps or () if not s.done]
