"""Settings ▸ Brands: each brand's sender name and address, logo, e-mail sender, returns
wording and the channels that sell under it. Managers add and change brands (one limited to
brands changes only theirs); everyone sees them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from oms_desktop.policies.permissions import allowed
from oms_desktop.services.brands import profiles
from oms_desktop.services.orders import views as order_views
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table

COLUMNS = [
    Column("Brand", lambda b: b.code), Column("Name", lambda b: b.name),
    Column("Sender", lambda b: b.sender_name),
    Column("Address", lambda b: ", ".join(b.address[1:])),
    Column("E-mails from", lambda b: b.email_sender or ""),
    Column("Sites under", lambda b: b.location or ""),
    Column("Channels", lambda b: ", ".join(b.channels)),
    Column("Logo", lambda b: "yes" if b.logo_path else ""),
]
FIELDS = (("code", "Code"), ("name", "Name"), ("sender_name", "Sender name"),
          ("address_line1", "Street"), ("city", "City"), ("postal_code", "Postal code"),
          ("country", "Country (2 letters)"), ("email_sender", "E-mail sender"),
          ("location", "Brand location (its sites)"), ("logo_path", "Logo (PNG or JPEG)"),
          ("return_instructions", "Returns wording on the slip"))
NO_BRAND = "(the company's own)"


class BrandsPanel(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = RowTableModel(COLUMNS, self)
        self.table = make_table(self.model, "Brands", stretch="Address")
        self.inputs = {key: QLineEdit(accessibleName=label) for key, label in FIELDS}
        self.logo = QLabel(accessibleName="Logo preview", alignment=Qt.AlignCenter)
        self.logo.setFixedSize(200, 70)
        self.channel = QComboBox(accessibleName="Channel")
        self.brand = QComboBox(accessibleName="Brand of the channel")
        self.answer = QLabel("", objectName="Muted", wordWrap=True)
        for combo in (self.channel, self.brand):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self._build()
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _: self._pick(cur.row()))
        self.reload()

    def _build(self) -> None:
        may = allowed(self.ctx.actor, "settings.edit")
        form = QFormLayout()
        for key, label in FIELDS:
            form.addRow(label, self.inputs[key])
        choose = QPushButton("Choose logo…", accessibleName="Choose logo")
        choose.clicked.connect(self.choose_logo)
        save = QPushButton("Add or change brand", accessibleName="Add or change brand")
        save.clicked.connect(self.save_brand)
        assign = QPushButton("Assign channel", accessibleName="Assign channel")
        assign.clicked.connect(self.assign)
        for button in (choose, save, assign):
            button.setEnabled(may)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo)
        logo_row.addWidget(choose)
        logo_row.addStretch(1)
        channels = QHBoxLayout()
        for widget in (QLabel("Channel"), self.channel, QLabel("sells under"), self.brand,
                       assign):
            channels.addWidget(widget)
        channels.addStretch(1)
        column = QVBoxLayout(self)
        column.addWidget(self.table, 2)
        column.addLayout(form)
        column.addLayout(logo_row)
        column.addWidget(save)
        column.addLayout(channels)
        column.addWidget(self.answer)

    def reload(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: (profiles.list_brands(db),
                                  order_views.filter_choices(db).channels), success=self._fill)

    def _fill(self, loaded) -> None:
        brands, channels = loaded
        self.model.set_rows(brands)
        for combo, items in ((self.channel, channels),
                             (self.brand, [NO_BRAND] + [b.code for b in brands])):
            chosen = combo.currentText()
            combo.clear()
            combo.addItems(items)
            combo.setCurrentText(chosen)

    def _pick(self, row: int) -> None:
        if not 0 <= row < len(self.model.rows):
            return
        brand = self.model.row(row)
        values = {**brand.fields, "code": brand.code}
        for key, edit in self.inputs.items():
            edit.setText(str(values.get(key) or ""))
        self._preview(brand.logo_path)

    def _preview(self, path: str | None) -> None:
        picture = QPixmap(path) if path else QPixmap()
        self.logo.setPixmap(picture.scaled(self.logo.size(), Qt.KeepAspectRatio,
                                           Qt.SmoothTransformation) if not picture.isNull()
                            else QPixmap())
        self.logo.setText("" if not picture.isNull() else "no logo")

    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Brand logo", "", "Pictures (*.png *.jpg *.jpeg)")
        if path:
            self.inputs["logo_path"].setText(path)
            self._preview(path)

    def form_values(self) -> dict:
        return {key: edit.text().strip() for key, edit in self.inputs.items()}

    def save_brand(self) -> None:
        db, actor, values = self.ctx.db, self.ctx.actor, self.form_values()
        code, known = values.pop("code"), {b.code for b in self.model.rows}
        if code.upper() in known:
            run = lambda: profiles.update_brand(db, actor=actor, code=code, **values)
        else:
            name = values.pop("name")
            run = lambda: profiles.add_brand(db, actor=actor, code=code, name=name,
                                             **{k: v for k, v in values.items() if v})
        self._run(run, lambda b: f"Saved brand {b.code}: {b.sender_name}")

    def assign(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        channel, brand = self.channel.currentText(), self.brand.currentText()
        target = None if brand == NO_BRAND else brand
        self._run(lambda: profiles.assign_channel(db, actor=actor, channel=channel,
                                                  brand=target),
                  lambda b: f"{channel} sells under {b.code if b else NO_BRAND}")

    def _run(self, fn, said) -> None:
        self.ctx.ops.run(fn, success=lambda result: self._done(said(result)),
                         failure=lambda exc: self.answer.setText(str(exc)))

    def _done(self, text: str) -> None:
        self.answer.setText(text)
        self.reload()
