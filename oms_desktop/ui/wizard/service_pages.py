"""The wizard's service pages: the store connection, a carrier with its key and a test of
rates, the customer e-mail server with a test message, and the Settings panels the first day
needs (boxes, the shipping-method map, this station's printers) shown as pages. Secrets are
typed into password fields, go to the keyring through the services and are never shown again."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget, QWizardPage,
)

from oms_desktop.services.automation import email_setup
from oms_desktop.services.channels import setup as channels
from oms_desktop.services.shipping import carrier_setup
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.schema_form import SchemaForm
from oms_desktop.ui.widgets.stock_scan import run_for
from oms_desktop.ui.wizard.pages import StepPage

SECURITY = (("starttls", "STARTTLS (port 587)"), ("ssl", "SSL/TLS (port 465)"),
            ("none", "None (a local relay only)"))


def password_field(name: str) -> QLineEdit:
    return QLineEdit(accessibleName=name, echoMode=QLineEdit.Password)


class ChannelPage(StepPage):
    """A store or marketplace, its settings and its secrets (to the keyring)."""

    def __init__(self, ctx: AppContext):
        super().__init__(ctx, "Your store", "Connect the store or marketplace your orders come "
                         "from; its keys go to this computer's keyring.", "&Connect store")
        self.kinds, _failed = channels.connector_kinds()
        self.kind = QComboBox(accessibleName="Store kind")
        for info in self.kinds:
            self.kind.addItem(info.title, info.kind)
        self.name = QLineEdit(accessibleName="Store name", placeholderText="Web shop")
        self.form.addRow("Store &kind", self.kind)
        self.form.addRow("Store na&me", self.name)
        self.settings = SchemaForm(form=self.form)
        self.kind.currentIndexChanged.connect(self._build)
        self._build()

    def _build(self) -> None:
        info = next((i for i in self.kinds if i.kind == self.kind.currentData()), None)
        self.settings.build(info.fields if info else ())
        self.order_tabs()

    def work(self):
        db, actor, kind = self.ctx.db, self.ctx.actor, self.kind.currentData()
        name, values = self.name.text().strip(), self.settings.values()
        if not name:
            raise ValueError("Name the store first")
        return lambda: channels.save_channel(db, actor=actor, kind=kind, name=name,
                                             values=values)

    def describe(self, info) -> str:
        return f"Connected: {info.name} ({info.code}); its keys are in the keyring"


class CarrierPage(StepPage):
    """A carrier account: settings, the API key, rates tried, saved against the version seen
    (another admin's save in between is named, not overwritten)."""

    def __init__(self, ctx: AppContext):
        super().__init__(ctx, "Carriers", "A carrier account and its API key; try its rates "
                         "before saving.", "&Save carrier")
        self.seen: int | None = None
        self.carrier = QComboBox(accessibleName="Carrier")
        self.carrier.addItems(carrier_setup.carrier_names())
        self.key = password_field("API key")
        self.form.addRow("&Carrier", self.carrier)
        self.form.addRow("API &key", self.key)
        self.settings = SchemaForm(form=self.form)
        self.test = QPushButton("&Test rates", accessibleName="Test rates")
        self.test.clicked.connect(self.test_rates)
        self.layout().insertWidget(1, self.test)
        self.extra_buttons = [self.test]
        self.carrier.currentTextChanged.connect(self.load)
        easypost = self.carrier.findText("easypost")
        self.carrier.setCurrentIndex(max(easypost, 0))
        self.load()

    def load(self) -> None:
        name, db = self.carrier.currentText(), self.ctx.db
        run_for(self, self.ctx, lambda: carrier_setup.carrier_setup(db, name),
                success=self._show)

    def _show(self, saved: carrier_setup.CarrierSetup) -> None:
        from oms_desktop.carriers import registry

        self.seen = saved.version
        self.settings.build(registry.load().get(saved.name).SETTINGS, saved.config)
        self.order_tabs()
        self.key.setPlaceholderText("stored in the keyring — leave empty to keep"
                                    if saved.has_key else "not set")
        if saved.saved_by:
            self.outcome.setText(f"{saved.title}: saved by {saved.saved_by} at "
                                 f"{saved.saved_at:%d %b %H:%M}")

    def work(self):
        db, actor, name, seen = self.ctx.db, self.ctx.actor, self.carrier.currentText(), \
            self.seen
        config, key = self.settings.values(), self.key.text()
        self.key.clear()
        return lambda: carrier_setup.save_carrier(db, actor=actor, name=name, config=config,
                                                  api_key=key, seen_version=seen)

    def describe(self, saved) -> str:
        self.seen = saved.version
        return f"Saved {saved.title}" + ("; its key is in the keyring" if saved.has_key else "")

    def test_rates(self) -> None:
        db, name = self.ctx.db, self.carrier.currentText()
        config, key = self.settings.values(), self.key.text() or None
        self.show_outcome("Asking the carrier for rates…", ok=True)
        run_for(self, self.ctx,
                lambda: carrier_setup.test_rates(db, name=name, config=config, api_key=key),
                success=self._rates, failure=self.failed)

    def _rates(self, rates) -> None:
        lines = "\n".join(str(r) for r in rates[:6]) or "The carrier answered with no rates"
        self.show_outcome(f"Rates for a 1 kg test parcel:\n{lines}", ok=bool(rates))


class EmailPage(StepPage):
    def __init__(self, ctx: AppContext):
        super().__init__(ctx, "Customer e-mail", "The mail server order and shipping e-mails go "
                         "through; its password goes to the keyring.", "&Save e-mail")
        self.host = QLineEdit(accessibleName="Mail server", placeholderText="smtp.example.com")
        self.port = QSpinBox(accessibleName="Port", minimum=1, maximum=65535, value=587)
        self.security = QComboBox(accessibleName="Security")
        for value, text in SECURITY:
            self.security.addItem(text, value)
        self.sender = QLineEdit(accessibleName="Sender", placeholderText="shop@example.com")
        self.username = QLineEdit(accessibleName="Login")
        self.password = password_field("Mail password")
        self.to = QLineEdit(accessibleName="Test message to")
        for label, widget in (("&Mail server", self.host), ("P&ort", self.port),
                              ("Se&curity", self.security), ("Sen&der", self.sender),
                              ("&Login", self.username), ("Pass&word", self.password),
                              ("Test message &to", self.to)):
            self.form.addRow(label, widget)
        self.test = QPushButton("Send t&est message", accessibleName="Send test message")
        self.test.clicked.connect(self.send_test)
        self.layout().insertWidget(1, self.test)
        self.extra_buttons = [self.test]
        run_for(self, ctx, lambda: email_setup.email_setup(ctx.db), success=self._show)

    def _show(self, saved: email_setup.EmailSetup) -> None:
        self.host.setText(saved.host or "")
        self.port.setValue(int(saved.port or 587))
        self.security.setCurrentIndex(max(self.security.findData(saved.security), 0))
        self.sender.setText(saved.sender or "")
        self.username.setText(saved.username or "")
        self.password.setPlaceholderText("stored in the keyring — leave empty to keep"
                                         if saved.has_password else "")

    def work(self):
        db, actor, password = self.ctx.db, self.ctx.actor, self.password.text() or None
        values = dict(host=self.host.text(), sender=self.sender.text(), port=self.port.value(),
                      security=self.security.currentData(), username=self.username.text())
        self.password.clear()
        return lambda: email_setup.save_email(db, actor=actor, password=password, **values)

    def describe(self, saved) -> str:
        self._show(saved)
        return f"Saved: {saved.sender} through {saved.host}:{saved.port}"

    def send_test(self) -> None:
        db, to, password = self.ctx.db, self.to.text(), self.password.text() or None
        self.show_outcome("Sending…", ok=True)
        run_for(self, self.ctx, lambda: email_setup.send_test(db, to=to, password=password),
                success=lambda text: self.show_outcome(text, ok=True), failure=self.failed)


class PanelPage(QWizardPage):
    """A Settings panel (boxes, shipping methods, printers) as a wizard page."""

    def __init__(self, title: str, text: str, panel: QWidget):
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(text + "  Skip it with Next (Page Down) and come back to it later.")
        self.panel = panel
        QVBoxLayout(self).addWidget(panel)

    def initializePage(self) -> None:
        QTimer.singleShot(0, self.focus_first)

    def focus_first(self) -> None:
        """The keyboard in the panel's first field (its forms' order, top to bottom)."""
        first = next((w for w in self.panel.findChildren(QLineEdit)), None)
        if first is not None:
            first.setFocus()


def panel_pages(ctx: AppContext) -> list[QWizardPage]:
    from oms_desktop.ui.widgets.boxes_panel import BoxesPanel
    from oms_desktop.ui.widgets.printer_profiles import PrinterProfilesPanel
    from oms_desktop.ui.widgets.shipping_methods_panel import ShippingMethodsPanel

    return [
        PanelPage("Boxes", "The boxes the pack station offers: inner size, tare and the most "
                  "a packed box may weigh.", BoxesPanel(ctx)),
        PanelPage("Shipping methods", "Each method as your store names it, mapped to a "
                  "carrier and service; \"*\" for every other method.",
                  ShippingMethodsPanel(ctx)),
        PanelPage("Printers", "This station's label and document printers, each with a test "
                  "print.", PrinterProfilesPanel(ctx)),
    ]

