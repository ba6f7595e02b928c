"""A business customer's purchase order by keyboard: the customer, the PO number and the
date wanted; lines by scan, typed code or a paste from a spreadsheet (Ctrl+V); the
customer's prices with their breaks and the total; the credit position before saving; Ctrl+S
saves it once; Ctrl+U reads a CSV/XLSX file of purchase orders with a saved mapping; F5 reads
the customers (a new account) and their credit again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QFileDialog, QFormLayout, QHBoxLayout, QInputDialog, QLabel,
    QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from oms_desktop.services.b2b import desk
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.po_lines import PoLinesWidget, money
from oms_desktop.ui.widgets.stock_scan import Feedback, large, report, run_for

OWN_KEYS = {"Ctrl+S", "Ctrl+U"}
SHIP_FIELDS = (("line1", "Street"), ("city", "City"), ("region", "Region"),
               ("postal_code", "Postcode"), ("country", "Country"))


class PurchaseOrdersScreen(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._saving = False
        self.customers: list[desk.BusinessCustomer] = []
        self.credit: desk.Credit | None = None
        self.customer_box = large(QComboBox(accessibleName="Business customer"), 14)
        self.po_number = large(QLineEdit(accessibleName="PO number",
                                         placeholderText="the buyer's PO number"), 14)
        self.wanted = large(QDateEdit(accessibleName="Requested delivery date",
                                      calendarPopup=True, displayFormat="yyyy-MM-dd"), 14)
        self.ship = {k: large(QLineEdit(accessibleName=f"Ship to {t.lower()}",
                                        placeholderText=t), 12) for k, t in SHIP_FIELDS}
        self.lines = PoLinesWidget(ctx)
        self.total = large(QLabel("Total 0.00", accessibleName="Order total"), 20)
        self.credit_label = large(QLabel("", accessibleName="Credit check", wordWrap=True), 14)
        self.save_button = QPushButton("&Save (Ctrl+S)", objectName="Primary",
                                       accessibleName="Save purchase order")
        self.upload_button = QPushButton("&Upload file (Ctrl+U)",
                                         accessibleName="Upload purchase order file")
        self.feedback = Feedback("Last purchase order action")
        self._build()
        self._connect()
        self.setFocusProxy(self.customer_box)  # opened, the first field has the keys
        self.reload()

    def _build(self) -> None:
        form = QFormLayout()
        for label, widget in (("&Customer", self.customer_box), ("&PO number", self.po_number),
                              ("&Wanted by", self.wanted)):
            buddy = large(QLabel(label), 14)
            buddy.setBuddy(widget)  # Alt+C, Alt+P, Alt+W reach the fields
            form.addRow(buddy, widget)
        ship = QHBoxLayout()
        for widget in self.ship.values():
            ship.addWidget(widget)
        ship_label = large(QLabel("Ship &to"), 14)
        ship_label.setBuddy(self.ship["line1"])
        form.addRow(ship_label, ship)
        self.wanted.setMinimumDate(QDate.currentDate().addDays(-1))
        self.wanted.setSpecialValueText("— (none)")
        self.wanted.setDate(self.wanted.minimumDate())
        buttons = QHBoxLayout()
        buttons.addWidget(self.total, 1)
        buttons.addWidget(self.upload_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.credit_label)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback)

    def _connect(self) -> None:
        self.customer_box.currentIndexChanged.connect(self._customer_chosen)
        self.lines.model.total_changed.connect(self._show_total)
        self.save_button.clicked.connect(self.save)
        self.upload_button.clicked.connect(self.choose_upload)
        for key, action in (("Ctrl+S", self.save), ("Ctrl+U", self.choose_upload),
                            ("Ctrl+V", self.paste), ("F5", self.reload)):
            QShortcut(QKeySequence(key), self, action, context=Qt.WidgetWithChildrenShortcut)
        self._ctx.changes.changed.connect(self._on_changes)
        for field in self.findChildren(QLineEdit):
            field.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        """A text field would take Ctrl+U (delete the line, on X11) before the screen's
        shortcut: the screen's keys win in its fields."""
        if event.type() == QEvent.ShortcutOverride and \
                QKeySequence(event.keyCombination()).toString() in OWN_KEYS:
            event.ignore()
            return True
        return super().eventFilter(obj, event)

    # -- customers and credit ----------------------------------------------------------------
    def reload(self) -> None:
        run_for(self, self._ctx, lambda: desk.business_customers(self._ctx.db),
                success=self._show_customers, failure=lambda e: report(self.feedback, e))

    def _show_customers(self, customers: list[desk.BusinessCustomer]) -> None:
        chosen = self.customer_id
        self.customers = customers
        self.customer_box.blockSignals(True)
        self.customer_box.clear()
        for c in customers:
            self.customer_box.addItem(f"{c.name} · {c.terms}", c.id)
        ids = [c.id for c in customers]
        self.customer_box.setCurrentIndex(ids.index(chosen) if chosen in ids else -1)
        self.customer_box.blockSignals(False)
        if not customers:
            self.feedback.problem("No business customer yet: a manager sets one up with "
                                  "oms-desktop b2b account CUSTOMER --terms \"net 30\"")
        self._customer_chosen()

    @property
    def customer_id(self) -> int | None:
        return self.customer_box.currentData()

    def _customer_chosen(self, _index: int = -1) -> None:
        cid = self.customer_id
        self.lines.set_customer(cid)
        customer = next((c for c in self.customers if c.id == cid), None)
        if customer is not None and not any(w.text() for w in self.ship.values()):
            for key, widget in self.ship.items():
                widget.setText(customer.ship_to.get(key, ""))
        self._fetch_credit()

    def _fetch_credit(self) -> None:
        cid, db = self.customer_id, self._ctx.db
        if cid is None:
            self.credit = None
            self._show_total()
            return
        run_for(self, self._ctx, lambda: desk.credit_check(db, customer_id=cid),
                success=self._got_credit, failure=lambda e: report(self.feedback, e))

    def _got_credit(self, credit: desk.Credit) -> None:
        self.credit = credit
        self._show_total()

    def _on_changes(self, areas: set) -> None:
        if "orders" in areas and not self._saving:
            self._fetch_credit()

    def _show_total(self) -> None:
        total = self.lines.model.total()
        count = len(self.lines.model.lines)
        self.total.setText(f"Total {money(total)} · {count:,} line(s)")
        self.credit_label.setText(self._credit_text(total))

    def _credit_text(self, total: Decimal) -> str:
        if self.credit is None:
            self.credit_label.setStyleSheet("")
            return "Choose the customer to see their credit"
        c = replace(self.credit, adding=total)
        if c.limit is None:
            self.credit_label.setStyleSheet("color: #067647; font-weight: 600;")
            return f"No credit limit · open invoices {money(c.open_invoices)} · open orders " \
                   f"{money(c.open_orders)} · this order {money(c.adding)}"
        line = (f"Credit limit {money(c.limit)}: open invoices {money(c.open_invoices)} + open "
                f"orders {money(c.open_orders)} + this order {money(c.adding)} = "
                f"{money(c.after)}")
        over = c.over
        self.credit_label.setStyleSheet(f"color: {'#b42318' if over else '#067647'};"
                                        " font-weight: 600;")
        return line + (f" — OVER by {money(-c.headroom)}: it will be saved ON CREDIT HOLD "
                       "until a manager releases it" if over
                       else f" — {money(c.headroom)} left")

    # -- scans, paste, save, upload -------------------------------------------------------------
    def handle_scan(self, text: str) -> None:
        self.lines.add_code(text)

    def paste(self) -> None:
        self.lines.paste_rows(QGuiApplication.clipboard().text())

    def requested_on(self) -> date | None:
        d = self.wanted.date()
        return None if d == self.wanted.minimumDate() else d.toPython()

    def save(self) -> None:
        """Ctrl+S: once. A press while the save runs is ignored; the service refuses the same
        PO number a second time, from this station or another."""
        if self._saving:
            return
        cid, number, lines = self.customer_id, self.po_number.text().strip(), \
            self.lines.model.po_lines()
        if cid is None or not number or not lines:
            self.feedback.problem("A purchase order needs the customer, the PO number and "
                                  "at least one line")
            return
        self._saving = True
        self.save_button.setEnabled(False)
        db, actor, wanted = self._ctx.db, self._ctx.actor, self.requested_on()
        ship_to = {k: w.text().strip() for k, w in self.ship.items()}
        run_for(self, self._ctx, lambda: desk.save_po(
            db, actor=actor, customer_id=cid, po_number=number, lines=lines,
            requested_on=wanted, ship_to=ship_to), success=self._saved, failure=self._refused)

    def _saved(self, saved: desk.Saved) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.lines.clear()
        self.po_number.clear()
        text = f"PO {saved.po_number} saved as order {saved.order_number}: " \
               f"{money(saved.total)}, {saved.status.replace('_', ' ')}"
        if saved.credit_hold:
            self.feedback.problem(text + " — ON CREDIT HOLD: a manager releases it on "
                                  "Credit & invoices (F6)")
        elif saved.holds:
            self.feedback.problem(text + f" ({', '.join(saved.holds)})")
        else:
            self.feedback.ok(text)
        self.po_number.setFocus()
        self._fetch_credit()

    def _refused(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        report(self.feedback, exc)  # the lines stay as they were: nothing typed is lost

    def choose_upload(self) -> None:
        if self.customer_id is None:
            self.feedback.problem("Choose the customer the file's purchase orders are from")
            return
        path, _ = QFileDialog.getOpenFileName(self, "Purchase orders file", "",
                                              "Purchase orders (*.csv *.txt *.xlsx)")
        if not path:
            return
        db = self._ctx.db
        run_for(self, self._ctx, lambda: desk.mapping_names(db),
                success=lambda names: self._choose_mapping(Path(path), names))

    def _choose_mapping(self, path: Path, names: list[str]) -> None:
        if not names:
            self.feedback.problem("No saved column mapping: save one with oms-desktop b2b po "
                                  "mapping NAME --column FIELD=HEADING…")
            return
        name, ok = QInputDialog.getItem(self, "Column mapping", "Read the file with", names,
                                        0, False)
        if ok:
            self.upload(path, name)

    def upload(self, path: Path, mapping: str) -> None:
        cid, db, actor = self.customer_id, self._ctx.db, self._ctx.actor
        run_for(self, self._ctx, lambda: desk.upload(db, actor=actor, customer_id=cid,
                                                     path=path, mapping=mapping),
                success=self._uploaded, failure=lambda e: report(self.feedback, e))

    def _uploaded(self, results) -> None:
        held = [r.po_number for r in results if r.status != "verified"]
        text = f"{path_summary(results)} from the file" + (
            f"; on hold: {', '.join(held)}" if held else "")
        (self.feedback.problem if held else self.feedback.ok)(text)
        self._fetch_credit()


def path_summary(results) -> str:
    numbers = ", ".join(r.po_number for r in results[:5]) + ("…" if len(results) > 5 else "")
    return f"{len(results)} purchase order(s) saved ({numbers})"
