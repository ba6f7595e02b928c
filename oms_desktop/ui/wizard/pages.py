"""The wizard's pages. Every page can be left with Next without doing anything (the step
stays on the dashboard's checklist); what a page does runs as a background op and its
outcome, or its one-line error, is shown on the page in large type."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QVBoxLayout, QWidget, QWizardPage,
)

from oms_desktop.services import setup_status
from oms_desktop.services.channels import catalogue
from oms_desktop.services.channels import setup as channels
from oms_desktop.services.inventory import catalog_import
from oms_desktop.services.inventory.table_files import parse_mapping
from oms_desktop.services.users import accounts
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.stock_scan import run_for
from oms_desktop.values import Role

SPREADSHEETS = "Spreadsheets (*.csv *.xlsx *.txt *.tsv)"
OK, BAD = "color: #065f46; font-weight: 700;", "color: #b42318; font-weight: 700;"


class StepPage(QWizardPage):
    """A page with one action button and an outcome line."""

    def __init__(self, ctx: AppContext, title: str, text: str, action: str):
        super().__init__()
        self.ctx = ctx
        self.setTitle(title)
        self.setSubTitle(text + "  Skip it with Next (Page Down) and come back to it later.")
        self.form = QFormLayout()
        self.button = QPushButton(action, accessibleName=action.replace("&", ""))
        self.outcome = QLabel("", wordWrap=True, accessibleName=f"{title} outcome")
        self.outcome.setStyleSheet("font-size: 14pt;")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.button)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        self.button.clicked.connect(self.act)
        self.extra_buttons: list[QPushButton] = []  # before the action button in Tab order

    def initializePage(self) -> None:
        """Tab goes down the form, then to the page's buttons; the first field has the
        keyboard (after the wizard has placed its own focus)."""
        self.order_tabs()
        QTimer.singleShot(0, self.focus_first)

    def focus_first(self) -> None:
        fields = self.fields()
        (fields[0] if fields else self.button).setFocus()

    def order_tabs(self) -> list[QWidget]:
        chain = [*self.fields(), *self.extra_buttons, self.button]
        for first, then in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, then)
        return chain

    def fields(self) -> list[QWidget]:
        found = []
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.FieldRole)
            widget = item.widget() if item else None
            if widget is None:
                continue
            found += [widget] if widget.focusPolicy() & Qt.TabFocus else [
                w for w in widget.findChildren(QWidget) if w.focusPolicy() & Qt.TabFocus]
        return found

    def act(self) -> None:
        try:
            fn = self.work()
        except Exception as exc:  # noqa: BLE001 - a bad entry is shown, not raised
            self.failed(exc)
            return
        self._focused = self.button.hasFocus()  # disabling moves the focus away: it comes back
        self.button.setEnabled(False)
        run_for(self, self.ctx, fn, success=self.succeeded, failure=self.failed)

    def work(self) -> Callable[[], Any]:
        raise NotImplementedError

    def describe(self, result) -> str:
        return getattr(result, "summary", str(result))

    def enable(self) -> None:
        self.button.setEnabled(True)
        if getattr(self, "_focused", False):
            self.button.setFocus()
            self._focused = False

    def succeeded(self, result) -> None:
        self.enable()
        text = self.describe(result)
        rejected = getattr(result, "rejected_file", None)
        if rejected:
            text += f"\nRejected rows, each with its reason: {rejected}"
        self.show_outcome(text, ok=not rejected)

    def failed(self, exc: BaseException) -> None:
        self.enable()
        self.show_outcome(str(exc), ok=False)

    def show_outcome(self, text: str, *, ok: bool) -> None:
        self.outcome.setText(text)
        self.outcome.setStyleSheet("font-size: 14pt; " + (OK if ok else BAD))


class CompanyPage(StepPage):
    def __init__(self, ctx: AppContext):
        super().__init__(ctx, "Company and brands", "The name on documents and labels.",
                         "&Save company")
        self.name = QLineEdit(accessibleName="Company name")
        self.brands = QLineEdit(accessibleName="Brands", placeholderText="Brand A, Brand B")
        self.form.addRow("Company &name", self.name)
        self.form.addRow("&Brands", self.brands)

    def work(self):
        db, actor, name = self.ctx.db, self.ctx.actor, self.name.text()
        brands = tuple(b for b in self.brands.text().split(","))
        return lambda: setup_status.set_company(db, actor=actor, name=name, brands=brands)

    def describe(self, result) -> str:
        return f"Saved: {result.name}" + (f" ({', '.join(result.brands)})"
                                          if result.brands else "")


class FilePage(StepPage):
    """A set-up file (CSV or XLSX), a dry run first if wished, then the import."""

    def __init__(self, ctx: AppContext, title: str, text: str, run, *, mapping: bool = False):
        super().__init__(ctx, title, text, "&Import file")
        self.run = run
        self.path = QLineEdit(accessibleName=f"{title} file")
        browse = QPushButton("&Browse…", accessibleName="Choose a file")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        self.form.addRow("&File", holder)
        self.mapping = QLineEdit(accessibleName="Column mapping",
                                 placeholderText="sku=Item code,name=Title,weight_unit=kg")
        if mapping:
            self.form.addRow("Column &mapping", self.mapping)
        self.dry_run = QCheckBox("&Dry run: check every row, save nothing")
        self.form.addRow("", self.dry_run)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.title(), "", SPREADSHEETS)
        if chosen:
            self.path.setText(chosen)

    def work(self):
        db, actor, path = self.ctx.db, self.ctx.actor, self.path.text().strip()
        if not path:
            raise ValueError("Choose a file first")
        text = self.mapping.text().strip()
        dry, run = self.dry_run.isChecked(), self.run
        return lambda: run(db, actor=actor, path=path, mapping=_mapping(db, text), dry_run=dry)


def _mapping(db, text: str) -> dict[str, str] | None:
    """field=Column,… as typed, or the name of a saved mapping."""
    if not text:
        return None
    return parse_mapping(text) if "=" in text else catalog_import.mapping_named(db, text)


class StorePage(StepPage):
    def __init__(self, ctx: AppContext):
        super().__init__(ctx, "Catalogue from your store",
                         "Products and variants with barcodes and weights from a connected "
                         "store (add the store on the Channels screen first).",
                         "&Bring the catalogue")
        self.channel = QComboBox(accessibleName="Channel")
        self.form.addRow("&Channel", self.channel)
        run_for(self, ctx, lambda: channels.list_channels(ctx.db), success=self._fill)

    def _fill(self, found) -> None:
        self.channel.clear()
        for info in found:
            self.channel.addItem(f"{info.name} ({info.code})", info.code)

    def work(self):
        code = self.channel.currentData()
        if not code:
            raise ValueError("No store is connected yet: add one on the Channels screen")
        db, actor = self.ctx.db, self.ctx.actor
        return lambda: catalogue.sync_catalogue(db, actor=actor, code=code, full=True)

    def describe(self, r) -> str:
        if r.status != "ok":
            return r.error or f"{r.channel}: {r.status}"
        return (f"{r.fetched} from the store: {r.created} new, {r.updated} changed, "
                f"{r.unchanged} unchanged, {r.failed} not taken")


class UsersPage(StepPage):
    def __init__(self, ctx: AppContext):
        super().__init__(ctx, "Users and roles", "Everyone who signs in, with a PIN.",
                         "&Add user")
        self.username = QLineEdit(accessibleName="User name")
        self.display = QLineEdit(accessibleName="Display name")
        self.role = QComboBox(accessibleName="Role")
        for role in Role:
            self.role.addItem(role.value.title(), role.value)
        self.pin = QLineEdit(accessibleName="PIN", echoMode=QLineEdit.Password)
        for label, widget in (("&User name", self.username), ("&Display name", self.display),
                              ("&Role", self.role), ("&PIN", self.pin)):
            self.form.addRow(label, widget)

    def work(self):
        db, actor = self.ctx.db, self.ctx.actor
        values = dict(username=self.username.text().strip(),
                      display_name=self.display.text().strip() or self.username.text().strip(),
                      role=self.role.currentData(), secret=self.pin.text())
        self.pin.clear()
        return lambda: accounts.create_user(db, actor=actor, **values)

    def describe(self, user) -> str:
        return f"Added {user.username} ({user.role})"
