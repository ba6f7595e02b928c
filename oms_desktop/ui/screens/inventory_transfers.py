"""Transfers between sites (franchise stores), confirmed by both sides: propose one (from,
to, SKU:quantity lines, or scan each unit), then the sending store dispatches it (F6) and the
receiving store receives it (F7). Large type and the keyboard only: Ctrl+Enter proposes,
F6/F7/Delete act on the selected transfer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from oms_desktop.errors import ValidationError
from oms_desktop.services.inventory import transfers
from oms_desktop.services.orders import views as order_views
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.stock_scan import Feedback, large, report, run_for
from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table

COLUMNS = [
    Column("Transfer", lambda t: t.label), Column("From", lambda t: t.from_site),
    Column("To", lambda t: t.to_site), Column("Status", lambda t: t.status),
    Column("Lines", lambda t: ", ".join(f"{l.sku} × {l.quantity}" for l in t.lines)),
    Column("Units", lambda t: t.units, True), Column("Proposed by", lambda t: t.proposed_by),
    Column("Dispatched by", lambda t: t.dispatched_by or ""),
    Column("Received by", lambda t: t.received_by or ""),
]
VERBS = {"dispatch": ("&Dispatch (F6)", "F6"), "receive": ("Re&ceive (F7)", "F7"),
         "cancel": ("Cancel transfer (Del)", "Delete")}


def parse_lines(text: str) -> list[tuple[str, int]]:
    """"MUG:3, BOWL 2, 4006381333931" → [(MUG, 3), (BOWL, 2), (4006381333931, 1)]."""
    out = []
    for part in text.replace(";", ",").split(","):
        words = part.replace(":", " ").split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and not words[1].isdigit()):
            raise ValidationError(f"{part.strip()!r}: write each line as SKU:QUANTITY")
        out.append((words[0], int(words[1]) if len(words) == 2 else 1))
    return out


class TransfersTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.from_site = large(QComboBox(accessibleName="From site"), 14)
        self.to_site = large(QComboBox(accessibleName="To site"), 14)
        self.lines = large(QLineEdit(accessibleName="Transfer lines",
                                     placeholderText="SKU:quantity, … (or scan each unit)"), 14)
        self.note = QLineEdit(accessibleName="Transfer note", placeholderText="Note (optional)")
        self.feedback = Feedback("Last transfer action")
        self.model = RowTableModel(COLUMNS, self)
        self.table = make_table(self.model, "Transfers", stretch="Lines")
        self.buttons = {verb: QPushButton(text, accessibleName=text.replace("&", ""))
                        for verb, (text, _) in VERBS.items()}
        self._build()
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self._enable()

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("&From", self.from_site)
        form.addRow("T&o", self.to_site)
        form.addRow("L&ines", self.lines)
        form.addRow("&Note", self.note)
        propose = QPushButton("Propose transfer (Ctrl+Enter)", accessibleName="Propose transfer")
        propose.clicked.connect(self.propose)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.propose,
                  context=Qt.WidgetWithChildrenShortcut)
        row = QHBoxLayout()
        for verb, button in self.buttons.items():
            button.clicked.connect(lambda _=False, v=verb: self.act(v))
            # F6/F7 anywhere in the tab; Delete only in the list (it edits text elsewhere)
            owner, where = (self.table, Qt.WidgetShortcut) if verb == "cancel" else \
                (self, Qt.WidgetWithChildrenShortcut)
            QShortcut(QKeySequence(VERBS[verb][1]), owner, lambda v=verb: self.act(v),
                      context=where)
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(propose)
        layout.addWidget(self.feedback)
        layout.addWidget(QLabel("Transfers to and from your sites (the sending store "
                                "dispatches, the receiving store receives)", objectName="Muted"))
        layout.addWidget(self.table)
        layout.addLayout(row)

    # -- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        db, actor = self._ctx.db, self._ctx.actor
        run_for(self, self._ctx, lambda: (order_views.filter_choices(db).sites,
                                          transfers.list_transfers(db, actor=actor)),
                success=self._show)

    def _show(self, loaded) -> None:
        sites, rows = loaded
        for combo in (self.from_site, self.to_site):
            if combo.count() != len(sites):
                chosen = combo.currentText()
                combo.clear()
                combo.addItems(sites)
                combo.setCurrentText(chosen)
        current = self.selected()
        self.model.set_rows(rows)
        if current is not None:
            self.select(current.label)
        self._enable()

    def selected(self) -> transfers.TransferView | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def select(self, label: str) -> None:
        for i, row in enumerate(self.model.rows):
            if row.label == label:
                self.table.selectRow(i)
                return

    def _enable(self) -> None:
        chosen = self.selected()
        for verb, button in self.buttons.items():
            button.setEnabled(chosen is not None and verb in chosen.allowed)

    # -- acting ---------------------------------------------------------------------------
    def handle_scan(self, text: str) -> None:
        """A scanned product adds one unit to the lines being written."""
        self.lines.setText(", ".join(filter(None, (self.lines.text().strip(), f"{text}:1"))))

    def propose(self) -> None:
        try:
            lines = parse_lines(self.lines.text())
        except ValidationError as exc:
            self.feedback.problem(str(exc))
            return
        db, actor = self._ctx.db, self._ctx.actor
        source, target, note = self.from_site.currentText(), self.to_site.currentText(), \
            self.note.text()
        run_for(self, self._ctx, lambda: transfers.propose(
            db, actor=actor, from_site=source, to_site=target, lines=lines, note=note),
            success=self._proposed, failure=lambda exc: report(self.feedback, exc))

    def _proposed(self, t: transfers.TransferView) -> None:
        self.lines.clear()
        self.note.clear()
        self.feedback.ok(f"{t.label} proposed: {t.units} units {t.from_site} → {t.to_site}; "
                         f"{t.from_site} dispatches it")
        self._reload_then(t.label)

    def act(self, verb: str) -> None:
        chosen = self.selected()
        if chosen is None or verb not in chosen.allowed:
            return
        db, actor, label = self._ctx.db, self._ctx.actor, chosen.label
        run_for(self, self._ctx, lambda: getattr(transfers, verb)(db, actor=actor,
                                                                  transfer=label),
                success=self._acted, failure=lambda exc: report(self.feedback, exc))

    def _acted(self, t: transfers.TransferView) -> None:
        self.feedback.ok(f"{t.label} {t.status}")
        self._reload_then(t.label)

    def _reload_then(self, label: str) -> None:
        db, actor = self._ctx.db, self._ctx.actor
        run_for(self, self._ctx, lambda: (order_views.filter_choices(db).sites,
                                          transfers.list_transfers(db, actor=actor)),
                success=lambda loaded: (self._show(loaded), self.select(label),
                                        self._enable()))
