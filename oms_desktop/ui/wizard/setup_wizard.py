"""The first-run set-up of a real business, the same steps as `oms-desktop setup …`:
company and brands, the store, sites and bins, the catalogue from a file or the store,
opening stock from a file or by scanning, carriers with their keys, boxes, the shipping-method
map, printers, e-mail, users, and a summary of what is done and what is skipped. Every page
may be skipped (Next, or Page Down) and the wizard opened again on any step's page from the
dashboard's checklist. An admin on an empty database gets it by itself at sign-in until
someone presses "Don't open by itself"."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWizard

from oms_desktop.services import setup_status
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.stock_scan import run_for
from oms_desktop.ui.wizard.pages import CompanyPage, FilePage, StorePage, UsersPage
from oms_desktop.ui.wizard.scan_page import ScanStockPage
from oms_desktop.ui.wizard.service_pages import (
    CarrierPage, ChannelPage, EmailPage, panel_pages,
)
from oms_desktop.ui.wizard.summary_page import SummaryPage


class SetupWizard(QWizard):
    scans_typed = True  # in front, a scanner's burst goes into its focused field (the shell)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Set up your business")
        self.setWizardStyle(QWizard.ModernStyle)
        self.setOption(QWizard.NoCancelButtonOnLastPage, True)
        self.setStyleSheet("QLabel, QLineEdit, QComboBox, QPushButton, QCheckBox, QSpinBox "
                           "{ font-size: 13pt; }")
        self.steps: dict[str, int] = {}  # a checklist step's key -> the page that does it
        self.pages = []
        self._add_pages(ctx)
        self.setOption(QWizard.HaveCustomButton1, True)
        self.setButtonText(QWizard.CustomButton1, "Don't open by itself")
        self.button(QWizard.CustomButton1).setAccessibleName("Don't open by itself")
        self.customButtonClicked.connect(lambda _which: self.dismiss())
        for key, slot in (("PgDown", self.next), ("PgUp", self.back)):
            QShortcut(QKeySequence(key), self, slot, context=Qt.WindowShortcut)
        self.resize(980, 700)

    def _add_pages(self, ctx: AppContext) -> None:
        bins, catalogue, stock_file = file_pages(ctx)
        boxes, methods, printers = panel_pages(ctx)
        for key, page in (("company", CompanyPage(ctx)), ("channels", ChannelPage(ctx)),
                          ("sites", bins), ("catalogue", catalogue), ("", StorePage(ctx)),
                          ("stock", stock_file), ("", ScanStockPage(ctx)),
                          ("carriers", CarrierPage(ctx)), ("boxes", boxes), ("", methods),
                          ("printers", printers), ("email", EmailPage(ctx)),
                          ("users", UsersPage(ctx)), ("summary", SummaryPage(ctx))):
            page_id = self.addPage(page)
            self.pages.append(page)
            if key:
                self.steps[key] = page_id

    def open_at(self, key: str | None = None) -> None:
        """Start again on the page of step `key` (the first page when None or unknown), with
        the pages before it in the history so Back goes to them."""
        target = self.steps.get(key or "", self.steps["company"])
        self.restart()
        while self.currentId() != target and self.currentId() < target:
            self.next()
        self.show()
        self.raise_()
        self.activateWindow()

    def changeEvent(self, event) -> None:
        """On coming to the front, a keyboard user starts in the page's first field, not on
        a wizard button (where the space of a typed name would press Next)."""
        super().changeEvent(event)
        if event.type() == QEvent.ActivationChange and self.isActiveWindow():
            focused = self.focusWidget()
            if focused is None or focused in self._own_buttons():
                page = self.currentPage()
                if hasattr(page, "focus_first"):
                    page.focus_first()

    def _own_buttons(self) -> list:
        return [self.button(b) for b in (QWizard.NextButton, QWizard.BackButton,
                                         QWizard.FinishButton, QWizard.CancelButton,
                                         QWizard.CustomButton1)]

    def dismiss(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        run_for(self, self.ctx, lambda: setup_status.dismiss_wizard(db, actor=actor),
                success=lambda _r: self.reject())


def file_pages(ctx: AppContext):
    from oms_desktop.services.inventory import catalog_import, site_import

    return (
        FilePage(ctx, "Sites, zones and bins", "A file with columns site, zone, bin and walk "
                 "sequence.", site_import.import_bins),
        FilePage(ctx, "Catalogue from a file", "Products with SKU, name, barcode, weight, "
                 "sizes and kit components (MUG:1|COASTER:2).", catalog_import.import_catalogue,
                 mapping=True),
        FilePage(ctx, "Opening stock from a file", "A file with columns sku, location, "
                 "quantity and unit cost; or scan it on the next page.",
                 site_import.import_stock),
    )
