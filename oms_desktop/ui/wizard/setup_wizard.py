"""The first-run set-up of a real business, the same steps as `oms-desktop setup …`:
company and brands, sites and bins, the catalogue from a file or the store, opening stock,
users. Every page may be skipped and the wizard opened again from the dashboard."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from oms_desktop.ui.context import AppContext
from oms_desktop.ui.wizard.pages import CompanyPage, DonePage, UsersPage, file_pages


class SetupWizard(QWizard):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Set up your business")
        self.setWizardStyle(QWizard.ModernStyle)
        self.setOption(QWizard.NoCancelButtonOnLastPage, True)
        self.setStyleSheet("QLabel, QLineEdit, QComboBox, QPushButton, QCheckBox "
                           "{ font-size: 13pt; }")
        self.pages = [CompanyPage(ctx), *file_pages(ctx), UsersPage(ctx), DonePage(ctx)]
        for page in self.pages:
            self.addPage(page)
        self.resize(900, 620)
