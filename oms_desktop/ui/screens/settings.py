"""Settings: this station's (database, name, scanner, sounds, theme; kept in QSettings on this
machine), the auto-lock every station keeps and the company's (name and addresses; in the
shared settings table, managers and up), the box catalogue, the printers this station sees,
and users (admins). What a role may not change is shown read-only, and refused if it is sent
anyway: the database URL (admins), the auto-lock (managers) in the services and, on
PostgreSQL, by the database."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QListWidget, QPlainTextEdit, QPushButton, QScrollArea, QSpinBox, QTabWidget, QVBoxLayout,
    QWidget,
)

from oms_desktop.errors import PermissionDenied
from oms_desktop.policies.permissions import allowed, may_change_setting
from oms_desktop.services import settings as shared
from oms_desktop.ui import theme
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.errors import show_error
from oms_desktop.ui.widgets.boxes_panel import BoxesPanel
from oms_desktop.ui.widgets.brands_panel import BrandsPanel
from oms_desktop.ui.widgets.printer_profiles import PrinterProfilesPanel
from oms_desktop.ui.widgets.shipping_methods_panel import ShippingMethodsPanel

COMPANY_TEXT = {"company.name": "Company name", "company.phone": "Phone",
                "company.email": "Email"}
COMPANY_LINES = {"company.address": "Company address",
                 "company.return_address": "Returns address"}
DATABASE_URL = "database.url"  # a station's own, but only an admin points it elsewhere


def _form_box(title: str) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title)
    return box, QFormLayout(box)


class SettingsScreen(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.qs = QSettings()
        self.tabs = QTabWidget(accessibleName="Settings sections")
        self.tabs.addTab(self._scroll(self._station_page()), "This station")
        self.tabs.addTab(self._scroll(self._company_page()), "Company")
        self.tabs.addTab(self._scroll(PrinterProfilesPanel(ctx)), "Printers")
        self.boxes = BoxesPanel(ctx)
        self.tabs.addTab(self.boxes, "Boxes")
        self.shipping_methods = ShippingMethodsPanel(ctx)
        self.tabs.addTab(self.shipping_methods, "Shipping methods")
        self.brands = BrandsPanel(ctx)
        self.tabs.addTab(self.brands, "Brands")
        if allowed(ctx.actor, "users.manage"):
            from oms_desktop.ui.widgets.users_panel import UsersPanel

            self.users = UsersPanel(ctx)
            self.tabs.addTab(self.users, "Users")
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 12, 16, 8)
        column.addWidget(QLabel("Settings", objectName="ScreenTitle"))
        column.addWidget(self.tabs)
        self._load_company()
        self._load_auto_lock()

    @staticmethod
    def _scroll(page: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(page)
        return area

    # -- this station ------------------------------------------------------------------------
    def _station_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        for box in (self._database_box(), self._station_box(), self._scanner_box(),
                    self._printers_box()):
            column.addWidget(box)
        save = QPushButton("Save station settings", objectName="Primary",
                           accessibleName="Save station settings")
        save.clicked.connect(self.save_station)
        self.saved_label = QLabel("", objectName="Muted")
        column.addWidget(save)
        column.addWidget(self.saved_label)
        column.addStretch(1)
        return page

    def _database_box(self) -> QGroupBox:
        box, form = _form_box("Database")
        form.addRow("In use", QLabel(self.ctx.db.display_url))
        self.db_url = QLineEdit(str(self.qs.value("database/url", "")),
                                accessibleName="Database URL",
                                placeholderText="sqlite:////path/oms.sqlite3 or "
                                "postgresql+psycopg://user@host/db (empty: default file)")
        test = QPushButton("Test connection", accessibleName="Test connection")
        test.clicked.connect(self.test_database)
        self.db_result = QLabel("Used from the next start.", objectName="Muted", wordWrap=True)
        if not may_change_setting(self.ctx.actor, DATABASE_URL):
            self.db_url.setReadOnly(True)
            test.setEnabled(False)
            self.db_result.setText("An admin changes the database.")
        row = QHBoxLayout()
        row.addWidget(self.db_url, 1)
        row.addWidget(test)
        form.addRow("Use", row)
        form.addRow("", self.db_result)
        return box

    def _station_box(self) -> QGroupBox:
        box, form = _form_box("Station")
        self.station = QLineEdit(str(self.qs.value("station/name", self.ctx.station or "")),
                                 accessibleName="Station name")
        self.idle = QSpinBox(accessibleName="Auto-lock after minutes", minimum=0, maximum=240)
        self.idle.setMaximumWidth(140)
        self.idle.setValue(shared.AUTO_LOCK_DEFAULT)
        self.idle.setEnabled(False)  # until the shared value is read, and then for managers
        self._idle_read = None
        self.sounds = QCheckBox("Sounds on scans and errors", accessibleName="Sounds")
        self.sounds.setChecked(self.qs.value("sounds/enabled", True, type=bool))
        self.dark = QCheckBox("Dark theme", accessibleName="Dark theme")
        self.dark.setChecked(self.qs.value("ui/dark", False, type=bool))
        self.large = QCheckBox("Large type (floor screens)", accessibleName="Large type")
        self.large.setChecked(self.qs.value("ui/large", False, type=bool))
        form.addRow("Station name", self.station)
        form.addRow("Auto-lock, every station (minutes, 0 = never)", self.idle)
        for w in (self.sounds, self.dark, self.large):
            form.addRow("", w)
        return box

    def _scanner_box(self) -> QGroupBox:
        box, form = _form_box("Barcode scanner")
        self.gap = self._spin("Scanner key gap in milliseconds", 5, 200, "scanner/gap_ms", 30)
        self.prefix = QLineEdit(str(self.qs.value("scanner/prefix", "")),
                                accessibleName="Scanner prefix")
        self.suffix = QLineEdit(str(self.qs.value("scanner/suffix", "")),
                                accessibleName="Scanner suffix")
        form.addRow("Max gap between keys (ms)", self.gap)
        form.addRow("Prefix the scanner sends", self.prefix)
        form.addRow("Suffix the scanner sends", self.suffix)
        return box

    def _printers_box(self) -> QGroupBox:
        from PySide6.QtPrintSupport import QPrinterInfo

        box, form = _form_box("Printers this station sees")
        printers = QListWidget(accessibleName="Printers")
        default = QPrinterInfo.defaultPrinterName()
        for name in QPrinterInfo.availablePrinterNames():
            printers.addItem(f"{name}  (default)" if name == default else name)
        if not printers.count():
            printers.addItem("No printers installed on this station")
        printers.setMaximumHeight(90)
        form.addRow(printers)
        return box

    def _spin(self, name: str, low: int, high: int, key: str, default: int) -> QSpinBox:
        spin = QSpinBox(accessibleName=name, minimum=low, maximum=high)
        spin.setValue(int(self.qs.value(key, default)))
        spin.setMaximumWidth(140)
        return spin

    def save_station(self) -> None:
        url = self.db_url.text().strip()
        if url != str(self.qs.value("database/url", "")) and \
                not may_change_setting(self.ctx.actor, DATABASE_URL):
            show_error(self, PermissionDenied(f"{self.ctx.actor.name} may not change the "
                                              "database: an admin does"))
            return
        values = {"database/url": url, "station/name": self.station.text().strip(),
                  "scanner/gap_ms": self.gap.value(), "scanner/prefix": self.prefix.text(),
                  "scanner/suffix": self.suffix.text(), "sounds/enabled": self.sounds.isChecked(),
                  "ui/dark": self.dark.isChecked(), "ui/large": self.large.isChecked()}
        for key, value in values.items():
            self.qs.setValue(key, value)
        self.qs.sync()
        self._save_auto_lock()
        theme.apply(QApplication.instance(), dark=self.dark.isChecked(),
                    large=self.large.isChecked())
        self.saved_label.setText("Saved. Database and station name apply from the next start.")

    def _load_auto_lock(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: shared.read(db, shared.AUTO_LOCK_KEY, shared.AUTO_LOCK_DEFAULT),
                         success=self._show_auto_lock)

    def _show_auto_lock(self, minutes) -> None:
        self._idle_read = int(minutes)
        self.idle.setValue(self._idle_read)
        self.idle.setEnabled(may_change_setting(self.ctx.actor, shared.AUTO_LOCK_KEY))

    def _save_auto_lock(self) -> None:
        minutes = self.idle.value()
        if self._idle_read is None or minutes == self._idle_read:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.ctx.ops.run(lambda: shared.write(db, actor=actor, key=shared.AUTO_LOCK_KEY,
                                              value=minutes),
                         success=lambda _r: self._show_auto_lock(minutes))

    def test_database(self) -> None:
        url = self.db_url.text().strip()
        if not url:
            self.db_result.setText("Empty: the default SQLite file is used.")
            return
        self.db_result.setText("Connecting…")
        self.ctx.ops.run(lambda: shared.test_connection(url), network=True,
                         success=self.db_result.setText,
                         failure=lambda exc: self.db_result.setText(f"Failed: {exc}"))

    # -- company (shared) ----------------------------------------------------------------------
    def _company_page(self) -> QWidget:
        page = QWidget()
        box, form = _form_box("Company and addresses (shared by every station)")
        self.company: dict[str, QLineEdit | QPlainTextEdit] = {}
        for key, label in COMPANY_TEXT.items():
            self.company[key] = QLineEdit(accessibleName=label)
            form.addRow(label, self.company[key])
        for key, label in COMPANY_LINES.items():
            edit = QPlainTextEdit(accessibleName=label)
            edit.setMaximumHeight(100)
            self.company[key] = edit
            form.addRow(label, edit)
        form.addRow(QLabel("Parcels ship from the address of the site they leave from "
                           "(its location record).", objectName="Muted", wordWrap=True))
        self.company_save = QPushButton("Save company settings", objectName="Primary",
                                        accessibleName="Save company settings")
        self.company_save.clicked.connect(self.save_company)
        editable = allowed(self.ctx.actor, "settings.edit")
        for w in list(self.company.values()) + [self.company_save]:
            w.setEnabled(editable)
        self.company_label = QLabel("" if editable else "A manager or above edits these.",
                                    objectName="Muted")
        column = QVBoxLayout(page)
        column.addWidget(box)
        column.addWidget(self.company_save)
        column.addWidget(self.company_label)
        column.addStretch(1)
        return page

    def _load_company(self) -> None:
        db, keys = self.ctx.db, list(self.company)
        self.ctx.ops.run(lambda: {k: shared.read(db, k) for k in keys},
                         success=self._show_company)

    def _show_company(self, values: dict) -> None:
        for key, value in values.items():
            edit = self.company[key]
            if isinstance(edit, QPlainTextEdit):
                edit.setPlainText("\n".join(value or []))
            else:
                edit.setText(value or "")

    def company_values(self) -> dict:
        out = {}
        for key, edit in self.company.items():
            if isinstance(edit, QPlainTextEdit):
                out[key] = [l.strip() for l in edit.toPlainText().splitlines() if l.strip()]
            else:
                out[key] = edit.text().strip()
        return out

    def save_company(self) -> None:
        values, db, actor = self.company_values(), self.ctx.db, self.ctx.actor

        def write() -> None:
            for key, value in values.items():
                if value:  # readers fall back to their defaults when a key is absent
                    shared.write(db, actor=actor, key=key, value=value)
        self.ctx.ops.run(write, success=lambda _r: self._company_saved())

    def _company_saved(self) -> None:
        self.company_label.setText("Saved.")
