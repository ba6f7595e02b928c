"""Settings ▸ Printers: this station's label and document printers (printers.json), each
with a test print: a label with its barcode, a one-line pick list."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
    QVBoxLayout, QWidget,
)

from oms_desktop.devices.printing import KINDS, PrinterProfile
from oms_desktop.services import printer_setup
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.stock_scan import run_for

KIND_TITLES = {"zpl_tcp": "Thermal label printer on the network (ZPL, port 9100)",
               "cups_raw": "Thermal label printer through CUPS (raw ZPL)",
               "system": "System printer (PDF)"}
PAPERS = ("4x6", "A4", "Letter")


class ProfileForm(QGroupBox):
    def __init__(self, title: str, role: str):
        super().__init__(title)
        self.role = role
        self.name = QLineEdit(accessibleName=f"{title} name")
        self.kind = QComboBox(accessibleName=f"{title} kind")
        for kind in KINDS:
            self.kind.addItem(KIND_TITLES[kind], kind)
        self.host = QLineEdit(accessibleName=f"{title} host", placeholderText="192.168.1.50")
        self.port = QSpinBox(accessibleName=f"{title} port", minimum=1, maximum=65535,
                             value=9100)
        self.queue = QLineEdit(accessibleName=f"{title} queue")
        self.paper = QComboBox(accessibleName=f"{title} paper")
        self.paper.addItems(PAPERS)
        self.dpi = QComboBox(accessibleName=f"{title} resolution")
        self.dpi.addItems(["203", "300"])
        form = QFormLayout(self)
        for label, widget in (("Name", self.name), ("Kind", self.kind), ("Host", self.host),
                              ("Port", self.port), ("Queue / printer", self.queue),
                              ("Paper", self.paper), ("Dots per inch", self.dpi)):
            form.addRow(label, widget)

    def show_profile(self, profile: PrinterProfile | None) -> None:
        if profile is None:
            return
        self.name.setText(profile.name)
        self.kind.setCurrentIndex(self.kind.findData(profile.kind))
        self.host.setText(profile.host or "")
        self.port.setValue(profile.port)
        self.queue.setText(profile.queue or "")
        self.paper.setCurrentText(profile.paper)
        self.dpi.setCurrentText(str(profile.dpi))

    def values(self) -> dict | None:
        if not self.name.text().strip():
            return None
        return {"name": self.name.text().strip(), "kind": self.kind.currentData(),
                "host": self.host.text().strip() or None, "port": self.port.value(),
                "queue": self.queue.text().strip() or None, "paper": self.paper.currentText(),
                "dpi": int(self.dpi.currentText())}


class PrinterProfilesPanel(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.label_form = ProfileForm("Label printer", "label")
        self.document_form = ProfileForm("Document printer (pick lists, packing slips)",
                                         "document")
        self.save = QPushButton("&Save printers", accessibleName="Save printers")
        self.test_label = QPushButton("Test &label", accessibleName="Test label")
        self.test_pick = QPushButton("Test &pick list", accessibleName="Test pick list")
        self.outcome = QLabel("", wordWrap=True, accessibleName="Printer outcome")
        self.outcome.setStyleSheet("font-size: 13pt; font-weight: 700;")
        buttons = QHBoxLayout()
        for b in (self.save, self.test_label, self.test_pick):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label_form)
        layout.addWidget(self.document_form)
        layout.addLayout(buttons)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        self.save.clicked.connect(self.save_printers)
        self.test_label.clicked.connect(lambda: self._test(self.label_form, "label"))
        self.test_pick.clicked.connect(lambda: self._test(self.document_form, "pick list"))
        station = printer_setup.station_printers()
        self.label_form.show_profile(station.label)
        self.document_form.show_profile(station.document)

    def save_printers(self) -> None:
        try:
            printer_setup.save_printers(label=self.label_form.values(),
                                        document=self.document_form.values())
        except Exception as exc:  # noqa: BLE001 - shown on the panel in one line
            self._say(str(exc), ok=False)
            return
        self._say("Saved for this station.", ok=True)

    def _test(self, form: ProfileForm, what: str) -> None:
        values = form.values()
        if values is None:
            self._say(f"Name the {form.title().lower()} first", ok=False)
            return
        try:
            profile = PrinterProfile.from_dict(values)
        except Exception as exc:  # noqa: BLE001
            self._say(str(exc), ok=False)
            return
        db = self.ctx.db
        fn = (lambda: printer_setup.test_label(db, profile)) if what == "label" \
            else (lambda: printer_setup.test_pick_list(profile))
        run_for(self, self.ctx, fn, success=lambda text: self._say(text, ok=True),
                failure=lambda exc: self._say(str(exc), ok=False))

    def _say(self, text: str, *, ok: bool) -> None:
        self.outcome.setText(text)
        self.outcome.setStyleSheet("font-size: 13pt; font-weight: 700; color: "
                                   + ("#065f46;" if ok else "#b42318;"))
