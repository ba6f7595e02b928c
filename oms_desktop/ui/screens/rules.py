"""The automation rules editor: the rules in the order they run (drag, or Ctrl+Up/Down, to
reorder; the tick enables), one rule's conditions and actions as forms, and a dry-run preview
of what the saved rule would change on the open orders."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget,
)

from oms_desktop.model import RuleTrigger
from oms_desktop.policies.permissions import allowed
from oms_desktop.services.automation import rules
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.texts import choose, chosen, fill_choices, human
from oms_desktop.ui.errors import show_error
from oms_desktop.ui.widgets.rule_rows import ActionRow, ConditionRow, RowList
from oms_desktop.ui.widgets.stock_scan import Feedback, run_for
from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table

PREVIEW_LIMIT = 500
PREVIEW_COLUMNS = [
    Column("Order", lambda r: r.number),
    Column("Would change", lambda r: "; ".join(_change_text(c) for c in r.changes)),
]


def _change_text(change: rules.ChangeView) -> str:
    return f"{change.field}: {_value(change.before)} → {_value(change.after)}"


def _value(value) -> str:
    if isinstance(value, dict):
        value = " ".join(str(v) for v in value.values() if v)
    elif isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return "—" if value in (None, "") else str(value)


class RuleList(QListWidget):
    """Rules in run order; emits `reordered` after a drag and drop."""

    def __init__(self, on_drop, parent=None):
        super().__init__(parent, accessibleName="Rules in run order")
        self._on_drop = on_drop
        self.setDragDropMode(QAbstractItemView.InternalMove)
        self.setDefaultDropAction(Qt.MoveAction)

    def dropEvent(self, event) -> None:
        super().dropEvent(event)
        self._on_drop()

    def names(self) -> list[str]:
        return [self.item(i).data(Qt.UserRole) for i in range(self.count())]


class RulesScreen(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.editing: str | None = None  # name of the saved rule in the form
        self.can_edit = allowed(ctx.actor, "rules.edit")
        self.list = RuleList(self._save_order)
        self.name = QLineEdit(accessibleName="Rule name")
        self.trigger = QComboBox(accessibleName="Trigger")
        fill_choices(self.trigger, [t.value for t in RuleTrigger])
        self.conditions = RowList(ConditionRow, "Add condition")
        self.actions = RowList(ActionRow, "Add action")
        self.new_button = QPushButton("&New rule (Ctrl+N)", accessibleName="New rule")
        self.save_button = QPushButton("&Save (Ctrl+S)", objectName="Primary",
                                       accessibleName="Save rule")
        self.dry_button = QPushButton("&Dry run (F8)", accessibleName="Dry run")
        self.preview = RowTableModel(PREVIEW_COLUMNS, self)
        self.preview_view = make_table(self.preview, "Dry-run preview", stretch="Would change")
        self.summary = QLabel("", objectName="Muted", accessibleName="Dry-run summary")
        self.feedback = Feedback("Last rules action")
        self._build()
        self._connect()
        ctx.changes.changed.connect(self._on_changes)
        self.reload()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        left = QWidget()
        lbox = QVBoxLayout(left)
        lbox.setContentsMargins(0, 0, 0, 0)
        lbox.addWidget(QLabel("Run order — drag or Ctrl+↑/↓; tick to enable", objectName="Muted"))
        lbox.addWidget(self.list)
        lbox.addWidget(self.new_button)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(self._editor())
        split.setSizes([320, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Rules", objectName="ScreenTitle"))
        layout.addWidget(split, 1)
        for w in (self.save_button, self.new_button, self.name, self.trigger,
                  self.conditions, self.actions):
            w.setEnabled(self.can_edit)

    def _editor(self) -> QWidget:
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&When", self.trigger)
        groups = QVBoxLayout()
        for title, rows in (("If all of these hold", self.conditions),
                            ("Then", self.actions)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(rows)
            groups.addWidget(box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.dry_button)
        buttons.addStretch(1)
        body = QWidget()
        box = QVBoxLayout(body)
        box.addLayout(form)
        box.addLayout(groups)
        box.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(body)
        below = QWidget()
        bottom = QVBoxLayout(below)
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addLayout(buttons)
        bottom.addWidget(self.feedback)
        bottom.addWidget(self.summary)
        bottom.addWidget(self.preview_view, 1)
        split = QSplitter(Qt.Vertical)
        split.addWidget(scroll)
        split.addWidget(below)
        split.setSizes([420, 360])
        return split

    def _connect(self) -> None:
        self.list.currentItemChanged.connect(self._chosen)
        self.list.itemChanged.connect(self._toggled)
        self.new_button.clicked.connect(self.new_rule)
        self.save_button.clicked.connect(self.save)
        self.dry_button.clicked.connect(self.dry_run)
        keys = (("Ctrl+N", self.new_rule), ("Ctrl+S", self.save), ("F8", self.dry_run),
                ("Ctrl+Up", lambda: self.move_current(-1)),
                ("Ctrl+Down", lambda: self.move_current(+1)))
        for key, slot in keys:
            QShortcut(QKeySequence(key), self, slot, context=Qt.WidgetWithChildrenShortcut)

    # -- loading --------------------------------------------------------------------------
    def _on_changes(self, areas: set[str]) -> None:
        if "rules" in areas:
            self.reload()

    def reload(self) -> None:
        run_for(self, self._ctx, lambda: rules.list_rules(self._ctx.db), success=self._fill)

    def _fill(self, views: list[rules.RuleView]) -> None:
        keep = self.editing
        self.list.blockSignals(True)
        self.list.clear()
        for view in views:
            item = QListWidgetItem(f"{view.position}. {view.name}  ·  {human(view.trigger)}")
            item.setData(Qt.UserRole, view.name)
            item.setData(Qt.UserRole + 1, view)
            flags = item.flags() | Qt.ItemIsUserCheckable | Qt.ItemIsDragEnabled
            item.setFlags(flags if self.can_edit else flags & ~Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if view.enabled else Qt.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        names = [v.name for v in views]
        if keep in names:
            self.list.setCurrentRow(names.index(keep))
        elif views and self.editing is None and not self.name.text():
            self.list.setCurrentRow(0)

    def _chosen(self, item, _previous=None) -> None:
        if item is None:
            return
        view: rules.RuleView = item.data(Qt.UserRole + 1)
        self.editing = view.name
        self.name.setText(view.name)
        self.name.setReadOnly(True)
        choose(self.trigger, view.trigger)
        self.conditions.set_data(view.conditions)
        self.actions.set_data(view.actions)
        self.preview.set_rows([])
        self.summary.setText("")

    def new_rule(self) -> None:
        if not self.can_edit:
            return
        self.editing = None
        self.list.clearSelection()
        self.name.setReadOnly(False)
        self.name.clear()
        self.conditions.set_data([])
        self.actions.set_data([{"type": "hold"}])
        self.feedback.ok("New rule: it starts disabled, so you can dry-run it first")
        self.name.setFocus()

    # -- writing --------------------------------------------------------------------------
    def save(self) -> None:
        if not self.can_edit:
            return
        db, actor = self._ctx.db, self._ctx.actor
        name, trigger = self.name.text().strip(), chosen(self.trigger)
        conditions, actions = self.conditions.data(), self.actions.data()
        fields = dict(actor=actor, name=name, trigger=trigger, conditions=conditions,
                      actions=actions)
        if self.editing is None:
            def fn():
                return rules.create_rule(db, enabled=False, **fields)
        else:
            def fn():
                return rules.update_rule(db, **fields)
        self._write(fn, f"Saved {name}", then=lambda view: self._saved(view))

    def _saved(self, view: rules.RuleView) -> None:
        self.editing = view.name
        self.name.setReadOnly(True)

    def _toggled(self, item: QListWidgetItem) -> None:
        name, on = item.data(Qt.UserRole), item.checkState() == Qt.Checked
        db, actor = self._ctx.db, self._ctx.actor
        self._write(lambda: rules.set_enabled(db, actor=actor, name=name, enabled=on),
                    f"{name} {'enabled' if on else 'disabled'}")

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if not self.can_edit or row < 0 or not 0 <= target < self.list.count():
            return
        self.list.blockSignals(True)
        self.list.insertItem(target, self.list.takeItem(row))
        self.list.setCurrentRow(target)
        self.list.blockSignals(False)
        self._save_order()

    def _save_order(self) -> None:
        names, db, actor = self.list.names(), self._ctx.db, self._ctx.actor
        self._write(lambda: rules.reorder(db, actor=actor, names=names),
                    "New run order saved")

    def _write(self, fn, done_text: str, then=None) -> None:
        def done(result):
            self.feedback.ok(done_text)
            if then is not None:
                then(result)

        def failed(exc):
            self.feedback.problem(str(exc))
            show_error(self, exc)
            self.reload()

        run_for(self, self._ctx, fn, success=done, failure=failed)

    # -- dry run --------------------------------------------------------------------------
    def dry_run(self) -> None:
        if self.editing is None:
            self.feedback.problem("Save the rule first: the dry run previews the saved rule")
            return
        name, db = self.editing, self._ctx.db
        run_for(self, self._ctx, lambda: rules.dry_run(db, name, limit=PREVIEW_LIMIT),
                success=self._show_preview,
                failure=lambda e: (self.feedback.problem(str(e)),
                                                    show_error(self, e)))

    def _show_preview(self, result: rules.DryRun) -> None:
        self.preview.set_rows(result.rows)
        self.summary.setText(
            f"Dry run of {result.rule}: {result.examined:,} open orders examined, "
            f"{result.matched:,} match, {len(result.rows):,} would change"
            + (f" (first {PREVIEW_LIMIT} shown)" if len(result.rows) >= PREVIEW_LIMIT else ""))
