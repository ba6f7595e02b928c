"""One order: header with customer, totals and statuses; lines with stock per location;
shipments and packages; holds and fraud signals; the timeline from audit events. Actions are
enabled from the order state machine's table and the signed-in role."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from oms_desktop.policies.permissions import allowed
from oms_desktop.services.orders import views as order_service
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.errors import show_error
from oms_desktop.ui.texts import human
from oms_desktop.ui.theme import STATUS_COLOURS, status_colours, status_label
from oms_desktop.ui.widgets.order_bulk import ACTIONS, BulkAction

# order state-machine verb -> the bulk action that performs it here
VERB_ACTIONS = {"verify": "verify", "hold": "hold", "release": "release", "cancel": "cancel",
                "start_fulfilment": "allocate"}
ALWAYS = ("location", "carrier", "tag")  # edits allowed while the order is open


def chip(text: str, key: str) -> QLabel:
    back, fore = STATUS_COLOURS.get(key, ("#e5e7eb", "#1f2937"))
    label = QLabel(text)
    label.setStyleSheet(f"background:{back}; color:{fore}; border-radius:4px; "
                        "padding:3px 9px; font-weight:600;")
    return label


def table(name: str, headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers), accessibleName=name)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def fill(t: QTableWidget, rows: list[list[str]], status_col: int | None = None) -> None:
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            if c == status_col:
                back, fore = status_colours(value.lower().replace(" ", "_"))
                item.setBackground(back)
                item.setForeground(fore)
            t.setItem(r, c, item)


class OrderDetailScreen(QWidget):
    back_requested = Signal()

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.detail: order_service.OrderDetail | None = None
        self.order_id: int | None = None
        self.buttons: dict[str, QPushButton] = {}
        self.sites: list[str] = []
        self._build()
        ctx.changes.changed.connect(self._on_changes)

    def _build(self) -> None:
        back = QPushButton("← Back", accessibleName="Back to the queue")
        back.clicked.connect(self.back_requested.emit)
        self.title = QLabel("Order", objectName="ScreenTitle")
        self.chips = QHBoxLayout()
        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.title)
        top.addLayout(self.chips)
        top.addStretch(1)
        self.action_row = QHBoxLayout()
        for action in ACTIONS:
            if allowed(self.ctx.actor, action.permission):
                self._button(action)
        self.action_row.addStretch(1)
        self.header = QGridLayout()
        card = QFrame(objectName="Card")
        card.setLayout(self.header)
        self.lines = table("Order lines", ["#", "SKU", "Product", "Qty", "Price",
                                           "Available by location"])
        self.shipments = table("Shipments", ["Shipment", "Status", "From", "Carrier",
                                             "Tracking", "Packages"])
        self.holds = table("Holds and fraud signals", ["Hold / signal", "State", "By", "When",
                                                       "Note"])
        self.timeline = table("Timeline", ["When", "Who", "Station / rule", "What", "Change"])
        self._layout(top, card)
        esc = QAction("Back", self, shortcut=QKeySequence("Escape"),
                      shortcutContext=Qt.WidgetWithChildrenShortcut)
        esc.triggered.connect(self.back_requested.emit)
        self.addAction(esc)

    def _layout(self, top, card) -> None:
        left, right = QWidget(), QWidget()
        lcol, rcol = QVBoxLayout(left), QVBoxLayout(right)
        for col in (lcol, rcol):
            col.setContentsMargins(0, 0, 0, 0)
        for label, w in (("Lines", self.lines), ("Shipments and packages", self.shipments)):
            lcol.addWidget(QLabel(f"<b>{label}</b>"))
            lcol.addWidget(w)
        for label, w in (("Holds and fraud signals", self.holds), ("Timeline", self.timeline)):
            rcol.addWidget(QLabel(f"<b>{label}</b>"))
            rcol.addWidget(w)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([600, 600])
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 12, 16, 8)
        column.addLayout(top)
        column.addLayout(self.action_row)
        column.addWidget(card)
        column.addWidget(split, 1)

    def _button(self, action: BulkAction) -> None:
        button = QPushButton(action.label, accessibleName=action.label.rstrip("…"))
        button.setToolTip(action.shortcut)
        button.clicked.connect(lambda _=False, a=action: self.run_action(a))
        button.setEnabled(False)
        self.action_row.addWidget(button)
        self.buttons[action.key] = button

    # -- loading --------------------------------------------------------------------------------
    def show_order(self, order_id: int) -> None:
        self.order_id = order_id
        self.reload()
        if not self.sites:
            self.ctx.ops.run(lambda: order_service.filter_choices(self.ctx.db).sites,
                             success=lambda sites: setattr(self, "sites", sites))

    def reload(self) -> None:
        if self.order_id is not None:
            order_id, db, actor = self.order_id, self.ctx.db, self.ctx.actor
            self.ctx.ops.run(lambda: order_service.get_order(db, order_id, actor=actor),
                             success=self.display)

    def _on_changes(self, areas: set[str]) -> None:
        if self.isVisible() and areas & {"orders", "shipments", "stock"}:
            self.reload()

    def display(self, detail: order_service.OrderDetail) -> None:
        if detail.summary.id != self.order_id:
            return
        self.detail = detail
        s = detail.summary
        self.title.setText(f"Order {s.number}")
        self._chips(detail)
        self._header(detail)
        self._enable(detail)
        fill(self.lines, [[str(l.line_no), l.sku, l.name, str(l.quantity),
                           f"{l.unit_price:,.2f}", _stock(l.available)] for l in detail.lines])
        fill(self.shipments, [_shipment_row(sh) for sh in detail.shipments], status_col=1)
        fill(self.holds, _hold_rows(detail))
        fill(self.timeline, [_event_row(e) for e in reversed(detail.timeline)])

    def _chips(self, d: order_service.OrderDetail) -> None:
        while self.chips.count():
            self.chips.takeAt(0).widget().deleteLater()
        self.chips.addWidget(chip(status_label(d.summary.status), d.summary.status))
        self.chips.addWidget(chip(f"Payment: {status_label(d.financial_status)}", "verified"))
        self.chips.addWidget(chip(f"Fulfilment: {status_label(d.fulfilment_status)}",
                                  "in_fulfilment"))

    def _header(self, d: order_service.OrderDetail) -> None:
        while self.header.count():
            self.header.takeAt(0).widget().deleteLater()
        s, c = d.summary, d.customer
        address = ", ".join(v for v in d.ship_to.values() if v)
        cells = [
            ("Channel", f"{s.channel} · external id {d.external_id}"),
            ("Placed", f"{s.placed_at:%d %b %Y %H:%M}"),
            ("Ship by", f"{s.ship_by:%a %d %b %Y}" if s.ship_by else "–"),
            ("Customer", f"{c.name} ({c.kind})" if c else (s.customer or "–")),
            ("Email", d.email or (c.email if c else None) or "–"),
            ("Ship to", address or "–"),
            ("Carrier", " / ".join(x for x in (d.carrier, d.service or d.requested_service)
                                   if x) or "–"),
            ("Ships from", d.ship_from or "routing chooses"),
            ("Totals", _totals(d)),
            ("Tags", ", ".join(d.tags) or "–"),
            ("Risk", f"fraud score {d.fraud_score}" if d.fraud_score is not None else "–"),
        ]
        for i, (label, value) in enumerate(cells):
            name = QLabel(label, objectName="Muted")
            text = QLabel(value, wordWrap=True, textInteractionFlags=Qt.TextSelectableByMouse)
            self.header.addWidget(name, i % 3, (i // 3) * 2)
            self.header.addWidget(text, i % 3, (i // 3) * 2 + 1)

    def _enable(self, d: order_service.OrderDetail) -> None:
        enabled = {VERB_ACTIONS[v] for v in d.allowed_actions if v in VERB_ACTIONS}
        if d.summary.status not in ("completed", "cancelled"):
            enabled |= set(ALWAYS)
        for key, button in self.buttons.items():
            button.setEnabled(key in enabled)

    # -- actions ----------------------------------------------------------------------------------
    def run_action(self, action: BulkAction) -> None:
        if self.order_id is None or not self.buttons[action.key].isEnabled():
            return
        answers = action.ask(self, self.ctx) if action.ask else {}
        if answers is None:
            return
        work, order_id = action.build(self.ctx, answers), self.order_id
        self.ctx.ops.run(lambda: work([order_id]), success=self._acted)

    def _acted(self, outcome) -> None:
        results = getattr(outcome, "results", outcome) or []
        failed = [r for r in results if not r.ok]
        if failed:
            from oms_desktop.errors import OmsError
            show_error(self, OmsError(failed[0].message))



def _stock(available: dict[str, int]) -> str:
    return "  ".join(f"{code}: {n}" for code, n in available.items()) or "none on hand"


def _totals(d: order_service.OrderDetail) -> str:
    t, cur = d.totals, d.summary.currency
    parts = [f"{k} {v:,.2f}" for k, v in t.items() if k != "total" and v]
    return f"{t.get('total', d.summary.total):,.2f} {cur}" + (
        f"  ({', '.join(parts)})" if parts else "")


def _shipment_row(sh: order_service.ShipmentView) -> list[str]:
    packages = "; ".join(f"#{p.number} {p.tracking_number or 'no tracking'}"
                         + (f" {p.weight_g} g" if p.weight_g else "") for p in sh.packages)
    return [f"SHP-{sh.id}", status_label(sh.status), sh.location or "–",
            " / ".join(x for x in (sh.carrier, sh.service) if x) or "–",
            sh.tracking_number or "–", packages or "–"]


def _hold_rows(d: order_service.OrderDetail) -> list[list[str]]:
    rows = [[human(h.reason),
             f"released by {h.released_by}" if h.released_at else "active", h.placed_by,
             f"{h.placed_at:%d %b %H:%M}", h.note or ""] for h in d.holds]
    if d.fraud_score is not None:
        rows.append([f"fraud score {d.fraud_score}", d.risk_level or "", "screening", "", ""])
    rows += [[f"signal: {s}", "", "screening", "", ""] for s in d.fraud_signals]
    return rows


def _event_row(e: order_service.EventView) -> list[str]:
    where = " · ".join(x for x in (e.station, e.source) if x) or "–"
    change = f"{e.from_state} → {e.to_state}" if e.to_state else _detail_text(e.detail)
    what = human(e.action) + ("" if e.entity == "order" else f" ({human(e.entity).lower()})")
    return [f"{e.at:%d %b %H:%M:%S}", e.actor, where, what, change]


def _detail_text(detail: dict | None) -> str:
    if not detail:
        return ""
    if "verdict" in detail:
        return f"verdict: {detail['verdict']}"
    return ", ".join(f"{k}: {v}" for k, v in detail.items() if v not in (None, [], ()))[:120]
