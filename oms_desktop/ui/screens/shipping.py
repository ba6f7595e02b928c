"""The shipping desk: today's shipments by carrier and state, their rates, labels bought,
printed, reprinted or voided, the end-of-day close-out per carrier, tracking exceptions and
the print queue with its printers, the shipments that need a label and the shipping-method
map. Keyboard: F2 rates, F3 buy + print, F4 reprint, F6 void,
F8 close out, F9 poll tracking, F10 retry the selected print job."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
    QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from oms_desktop.devices import printing as devices
from oms_desktop.services.shipping import labels as shipping
from oms_desktop.services.shipping import manifests, printing, tracking
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.errors import message_for
from oms_desktop.ui.theme import enlarge
from oms_desktop.ui.widgets.banner import Banner
from oms_desktop.ui.widgets.needs_label_panel import NeedsLabelPanel
from oms_desktop.ui.widgets.shipping_methods_panel import ShippingMethodsPanel

SHIPMENT_COLUMNS = ("Shipment", "Order", "Ship to", "Carrier", "Service", "State",
                    "Tracking", "Tracking status", "Ship day", "Cost")
RATE_COLUMNS = ("", "Carrier", "Service", "Amount", "Days", "Arrives", "Left out because")
EXCEPTION_COLUMNS = ("Shipment", "Order", "Carrier", "Tracking", "Status", "Message", "When")
JOB_COLUMNS = ("Job", "Document", "Printer", "State", "Tries", "Error")
POLL_MINUTES = 30  # tracking is polled in the background while the screen is open
STATE_COLOURS = {"packed": "#fef3c7", "shipped": "#dbeafe", "delivered": "#dcfce7",
                 "failed": "#fee2e2", "sent": "#dcfce7", "queued": "#f3f4f6"}


def _big(widget, size: int = 13, bold: bool = False):
    return enlarge(widget, size, bold)


def _table(columns: tuple[str, ...], name: str, stretch: int | None = None) -> QTableWidget:
    table = _big(QTableWidget(0, len(columns)), 12)
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    if stretch is None:
        table.horizontalHeader().setStretchLastSection(True)
    else:
        table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.Stretch)
    table.setAccessibleName(name)
    return table


def _fill(table: QTableWidget, rows: list[list], colour_col: int | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        colour = STATE_COLOURS.get(str(row[colour_col])) if colour_col is not None else None
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if colour:
                item.setBackground(QColor(colour))
            table.setItem(r, c, item)


class ShippingScreen(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[manifests.BoardRow] = []
        self.jobs: list[printing.PrintJobView] = []
        self.station = devices.load_station()
        self._install_system_printing()
        self._build()
        for key, slot in (("F2", self.show_rates), ("F3", self.buy_label),
                          ("F4", self.reprint), ("F6", self.void), ("F8", self.close_out),
                          ("F9", self.poll_tracking), ("F10", self.retry_job)):
            QShortcut(QKeySequence(key), self, slot, context=Qt.WidgetWithChildrenShortcut)
        ctx.changes.changed.connect(self._changed)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MINUTES * 60_000)
        self.poll_timer.timeout.connect(self.poll_tracking)
        self.poll_timer.start()
        self.refresh()

    @staticmethod
    def _install_system_printing() -> None:
        from oms_desktop.ui import printing as qt_printing

        qt_printing.install()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = _big(QLabel("Shipping"), 20, True)
        self.summary = _big(QLabel(""), 13)
        self.summary.setAccessibleName("Shipments per carrier")
        self.summary.setWordWrap(True)  # many carriers wrap, never push the screen wider
        top.addWidget(self.title)
        top.addSpacing(20)
        top.addWidget(self.summary, 1)
        layout.addLayout(top)
        self.banner = Banner(point_size=15)
        self.banner.setMinimumHeight(48)
        self.banner.show_message("idle", "Select a shipment: F2 rates, F3 buy and print label")
        layout.addWidget(self.banner)
        self.table = _table(SHIPMENT_COLUMNS, "Today's shipments", stretch=2)
        layout.addWidget(self.table, 3)
        layout.addLayout(self._actions())
        self.tabs = _big(QTabWidget(), 12)
        self.tabs.setAccessibleName("Shipping details")
        self.rates = _table(RATE_COLUMNS, "Rates of the selected shipment")
        self.exceptions = _table(EXCEPTION_COLUMNS, "Tracking exceptions")
        self.tabs.addTab(self.rates, "Rates")
        self.tabs.addTab(self.exceptions, "Tracking exceptions")
        self.tabs.addTab(self._queue_panel(), "Print queue")
        self.needs_label = NeedsLabelPanel(self.ctx)
        self.needs_label.counted.connect(self._count_needs_label)
        self.needs_label.labelled.connect(lambda _sid: self.refresh())
        self.tabs.addTab(self.needs_label, "Needs a label")
        self.methods = ShippingMethodsPanel(self.ctx)
        self.tabs.addTab(self.methods, "Shipping methods")
        layout.addWidget(self.tabs, 2)

    def _button(self, text: str, name: str, slot) -> QPushButton:
        button = _big(QPushButton(text), 12, True)
        button.setAccessibleName(name)
        button.clicked.connect(slot)
        return button

    def _combo(self, items: list[str], name: str) -> QComboBox:
        combo = _big(QComboBox(), 12)
        combo.addItems(items)
        combo.setAccessibleName(name)
        combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)  # the whole name, always
        return combo

    def _actions(self) -> QVBoxLayout:
        """Two rows, so that every key shows whole on a 1024 px screen: the selected
        shipment's label, then the carrier's day."""
        bar = QHBoxLayout()
        self.format = self._combo(["pdf", "zpl"], "Label format")
        label = self.station.label
        if label is not None and label.takes_zpl:
            self.format.setCurrentText("zpl")
        bar.addWidget(self.format)
        for text, name, slot in (("Rates (F2)", "Show rates", self.show_rates),
                                 ("Buy + print (F3)", "Buy and print label", self.buy_label),
                                 ("Reprint (F4)", "Reprint label", self.reprint),
                                 ("Void (F6)", "Void label", self.void)):
            bar.addWidget(self._button(text, name, slot))
        bar.addStretch(1)
        day = QHBoxLayout()
        self.carrier = self._combo([], "Carrier to close out")
        day.addWidget(self.carrier)
        day.addWidget(self._button("Close out (F8)", "Close out carrier", self.close_out))
        day.addWidget(self._button("Poll tracking (F9)", "Poll tracking", self.poll_tracking))
        day.addStretch(1)
        rows = QVBoxLayout()
        rows.addLayout(bar)
        rows.addLayout(day)
        return rows

    def _queue_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        row = QHBoxLayout()
        self.printer_status = _big(QLabel(""), 12)
        self.printer_status.setAccessibleName("Printer status")
        row.addWidget(self.printer_status, 1)
        self.printer = self._combo([p.name for p in self.station.all()], "Printer")
        row.addWidget(self.printer)
        row.addWidget(self._button("Retry on printer (F10)", "Retry print job", self.retry_job))
        layout.addLayout(row)
        self.queue = _table(JOB_COLUMNS, "Print queue")
        layout.addWidget(self.queue)
        return panel

    # -- reading --------------------------------------------------------------------------------
    def _changed(self, areas) -> None:
        if areas & {"shipments", "orders", "printing"}:
            self.refresh()
        if "settings" in areas:
            self.methods.reload()
            self.needs_label.reload()

    def _count_needs_label(self, n: int) -> None:
        index = self.tabs.indexOf(self.needs_label)
        self.tabs.setTabText(index, f"Needs a label ({n})")
        self.tabs.tabBar().setTabTextColor(index, QColor("#b91c1c" if n else "#1f2937"))

    def refresh(self) -> None:
        db = self.ctx.db
        if hasattr(self, "needs_label"):
            self.needs_label.reload()
        self.ctx.ops.run(lambda: (manifests.board(db), tracking.exceptions(db),
                                  printing.jobs(db, limit=50)), success=self._show)

    def _show(self, data) -> None:
        self.rows, exceptions, self.jobs = data
        selected = self.selected()
        _fill(self.table, [[f"SHP-{r.shipment_id}", r.order, r.ship_to, r.carrier, r.service,
                            r.status, r.tracking_number, r.tracking_status, r.ship_day,
                            f"{r.cost:.2f}" if r.cost is not None else None]
                           for r in self.rows], colour_col=5)
        _fill(self.exceptions, [[f"SHP-{e.shipment_id}", e.order, e.carrier,
                                 e.tracking_number, e.status, e.message,
                                 f"{e.occurred_at:%d %b %H:%M}"] for e in exceptions])
        self.tabs.setTabText(1, f"Tracking exceptions ({len(exceptions)})")
        self._show_queue()
        self._show_summary()
        ids = [r.shipment_id for r in self.rows]
        self.table.selectRow(ids.index(selected.shipment_id) if selected and
                             selected.shipment_id in ids else 0)

    def _show_queue(self) -> None:
        _fill(self.queue, [[j.id, j.title, j.printer, j.state, j.attempts, j.error]
                           for j in self.jobs], colour_col=3)
        failed = sum(j.state == "failed" for j in self.jobs)
        self.tabs.setTabText(2, f"Print queue ({failed} failed)" if failed else "Print queue")
        self._show_printer()

    def _show_printer(self) -> None:
        label = self.station.label
        where = label.describe() if label else "no label printer set up for this station"
        last = next((j for j in self.jobs if j.printer == (label.name if label else None)), None)
        state = f"last job {last.state}" if last else "no jobs yet"
        self.printer_status.setText(f"Label printer: {where}; {state}")
        if label is not None and label.kind == "zpl_tcp":
            self.ctx.ops.run(lambda: devices.host_status(label), network=True,
                             success=lambda _s: self._printer_said("online"),
                             failure=lambda exc: self._printer_said(message_for(exc)))

    def _printer_said(self, text: str) -> None:
        self.printer_status.setText(f"{self.printer_status.text().split(' — ')[0]} — {text}")

    def _show_summary(self) -> None:
        per: dict[str, dict[str, int]] = {}
        for r in self.rows:
            states = per.setdefault(r.carrier or "no label", {})
            states[r.status] = states.get(r.status, 0) + 1
        self.summary.setText("   ".join(
            f"{c}: " + ", ".join(f"{n} {s}" for s, n in sorted(st.items()))
            for c, st in sorted(per.items())))
        carriers = sorted({r.carrier for r in self.rows if r.carrier and not r.manifested})
        current = self.carrier.currentText()
        self.carrier.clear()
        self.carrier.addItems(carriers)
        if current in carriers:
            self.carrier.setCurrentText(current)

    def selected(self) -> manifests.BoardRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # -- actions --------------------------------------------------------------------------------
    def _say(self, state: str, text: str) -> None:
        self.banner.show_message(state, text)

    def _failed(self, exc: BaseException) -> None:
        self._say("bad", message_for(exc))

    def _run(self, work, done) -> None:
        self.ctx.ops.run(work, success=done, failure=self._failed)

    def show_rates(self) -> None:
        row = self.selected()
        if row is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.ctx.ops.run(lambda: shipping.rates(db, actor=actor, shipment_id=row.shipment_id),
                         success=self._show_rates, failure=self._failed)

    def _show_rates(self, result: shipping.RatesResult) -> None:
        _fill(self.rates, [["★" if r == result.chosen else "", r.carrier, r.service,
                            f"{r.amount:.2f} {r.currency}", r.estimated_days, r.arrives,
                            r.why_not] for r in result.rates])
        self.tabs.setCurrentWidget(self.rates)
        self._say("idle", f"SHP-{result.shipment_id}: {result.reason}")

    def _label_printer(self):
        name = self.printer.currentText()
        return self.station.by_name(name) if name else self.station.label

    def buy_label(self) -> None:
        row, printer = self.selected(), self._label_printer()
        if row is None:
            return
        db, actor, fmt = self.ctx.db, self.ctx.actor, self.format.currentText()

        def work():
            made = shipping.create_label(db, actor=actor, shipment_id=row.shipment_id, fmt=fmt)
            job = printing.print_label(db, actor=actor, shipment_id=row.shipment_id,
                                       printer=printer) if printer else None
            return made, job
        self._run(work, self._bought)

    def _bought(self, result) -> None:
        made, job = result
        printed = f"; printed on {job.printer}" if job and job.state == "sent" else \
            f"; NOT printed: {job.error}" if job else "; no printer set up"
        self._say("good" if not job or job.state == "sent" else "warn",
                  f"SHP-{made.shipment_id}: {made.carrier} {made.service} "
                  f"{made.tracking_number}{printed}")

    def reprint(self) -> None:
        row, printer = self.selected(), self._label_printer()
        if row is None or printer is None:
            return self._say("warn", "Choose a shipment and a printer to reprint")
        db, actor = self.ctx.db, self.ctx.actor
        self._run(lambda: printing.print_label(db, actor=actor, shipment_id=row.shipment_id,
                                               printer=printer), self._printed)

    def _printed(self, job: printing.PrintJobView) -> None:
        self._say("good" if job.state == "sent" else "bad",
                  f"{job.title}: sent to {job.printer}" if job.state == "sent"
                  else f"{job.title}: {job.error}")

    def void(self) -> None:
        row = self.selected()
        if row is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self._run(lambda: shipping.void_label(db, actor=actor, shipment_id=row.shipment_id),
                  lambda v: self._say("good", f"Voided {v.tracking_number} (SHP-{v.shipment_id})"))

    def close_out(self) -> None:
        carrier = self.carrier.currentText()
        if not carrier:
            return self._say("warn", "No carrier with open labels to close")
        db, actor = self.ctx.db, self.ctx.actor
        self._run(lambda: manifests.close_out(db, actor=actor, carrier=carrier),
                  lambda m: self._say("good", f"{carrier} closed for {m.ship_day}: "
                                              f"{m.shipments} shipments, {m.packages} packages"))

    def poll_tracking(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        self._run(lambda: tracking.poll(db, actor=actor), lambda r: self._say(
            "warn" if r.exceptions or r.errors else "good",
            f"Tracking: {r.new_events} new events, {len(r.delivered)} delivered, "
            f"{len(r.exceptions)} exceptions" + "".join(f"; {c}: {e}"
                                                         for c, e in r.errors.items())))

    def retry_job(self) -> None:
        row = self.queue.currentRow()
        if not 0 <= row < len(self.jobs):
            return self._say("warn", "Select a print job to retry")
        job, printer = self.jobs[row], self._label_printer()
        db, actor = self.ctx.db, self.ctx.actor
        self._run(lambda: printing.retry(db, actor=actor, job_id=job.id, printer=printer),
                  self._printed)
