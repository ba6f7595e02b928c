"""Sales channels: add or edit one from its connector's schema, test the connection, sync now
with progress, a schedule per channel, recent runs, failed payloads with their raw JSON and a
retry, and the stock drift per SKU. HTTP runs on the network pool; the sync's database steps
are handed to the one database worker."""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QRunnable, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar,
    QPushButton, QSpinBox, QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from oms_desktop.errors import OmsError
from oms_desktop.services.channels import inventory_push, sync
from oms_desktop.services.channels import push as channel_push
from oms_desktop.services.channels import setup as channels
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.texts import plural
from oms_desktop.ui.widgets.schema_form import SchemaForm
from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table, selected_row
from oms_desktop.ui.widgets.sync_panels import DriftPanel, ErrorsPanel, RunsPanel

CHANNEL_COLUMNS = [
    Column("Code", lambda c: c.code), Column("Type", lambda c: c.kind),
    Column("Name", lambda c: c.name), Column("Last run", lambda c: c.last_run or "never"),
    Column("When", lambda c: f"{c.last_run_at:%Y-%m-%d %H:%M}" if c.last_run_at else ""),
    Column("Failed payloads", lambda c: c.open_errors, True),
    Column("Every (min)", lambda c: c.schedule_minutes or "off"),
]


def on_db_worker(ctx: AppContext, fn: Callable[[], Any]) -> Any:
    """Run `fn` on the database worker and wait for it (called from a network thread)."""
    done, box = threading.Event(), {}

    class Step(QRunnable):
        def run(self):
            try:
                box["value"] = fn()
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                box["error"] = exc
            finally:
                done.set()

    ctx.ops.db_pool.start(Step())
    done.wait()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _push_stock(ctx: AppContext, code: str) -> str:
    """The changed available-to-sell after a sync; a channel not set up for stock says why."""
    try:
        s = inventory_push.push_inventory(ctx.db, actor=ctx.actor, code=code)
    except OmsError as exc:
        return f"; stock not pushed: {exc}"
    return f"; stock: {plural(s.pushed, 'SKU')} pushed" if s.pushed else ""


class ChannelsScreen(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.kinds: dict[str, Any] = {}
        self.current: channels.ChannelInfo | None = None
        self.timers: dict[str, QTimer] = {}
        self.running: set[str] = set()
        self._widgets()
        self._build()
        self._connect()
        self.reload()

    # -- layout --------------------------------------------------------------------------------
    def _widgets(self) -> None:
        self.model = RowTableModel(CHANNEL_COLUMNS, self)
        self.table = make_table(self.model, "Channels", stretch="Name")
        self.kind_box = QComboBox(accessibleName="Connector type for a new channel")
        self.kind_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.new_button = QPushButton("&New channel", accessibleName="New channel")
        self.test_button = QPushButton("&Test connection", accessibleName="Test connection")
        self.sync_button = QPushButton("&Sync now (F5)", accessibleName="Sync now")
        self.status = QLabel("", accessibleName="Channel status", wordWrap=True)
        self.progress = QProgressBar(accessibleName="Sync progress", textVisible=True)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.name_edit = QLineEdit(accessibleName="Channel name")
        self.code_edit = QLineEdit(accessibleName="Channel code")
        self.locations_edit = QLineEdit(accessibleName="Sites that serve the channel")
        self.locations_edit.setPlaceholderText("WH1, STORE1")
        self.buffer_spin = QSpinBox(maximum=100_000, accessibleName="Safety buffer")
        self.schedule_spin = QSpinBox(maximum=24 * 60, accessibleName="Sync every minutes")
        self.schedule_spin.setSpecialValueText("off")
        self.common = QFormLayout()
        self.form = SchemaForm(self, form=self.common)
        self.save_button = QPushButton("Sa&ve channel", accessibleName="Save channel")
        self.runs, self.errors, self.drift = RunsPanel(self), ErrorsPanel(self), DriftPanel(self)
        self.tabs = QTabWidget(accessibleName="Channel details")
        self.tabs.addTab(self.runs, "Recent runs")
        self.tabs.addTab(self.errors, "Failed payloads")
        self.tabs.addTab(self.drift, "Stock drift")

    def _build(self) -> None:
        head = QHBoxLayout()
        head.addWidget(QLabel("Channels", objectName="ScreenTitle"))
        head.addStretch(1)
        for w in (self.kind_box, self.new_button, self.test_button, self.sync_button):
            head.addWidget(w)
        edit = QGroupBox("Channel settings")
        common = self.common
        common.addRow("Name *", self.name_edit)
        common.addRow("Code", self.code_edit)
        common.addRow("Sites that serve it", self.locations_edit)
        common.addRow("Safety buffer (units held back)", self.buffer_spin)
        common.addRow("Sync every (minutes)", self.schedule_spin)
        box = QVBoxLayout(edit)
        box.addLayout(common)
        box.addStretch(1)
        box.addWidget(self.save_button, alignment=Qt.AlignRight)
        top = QSplitter()
        top.addWidget(self.table)
        top.addWidget(edit)
        top.setSizes([560, 700])
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(top, 3)
        layout.addWidget(self.tabs, 2)

    def _connect(self) -> None:
        self.table.selectionModel().selectionChanged.connect(self._on_select)
        self.new_button.clicked.connect(self.new_channel)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test_connection)
        self.sync_button.clicked.connect(self.sync_now)
        self.errors.retry.connect(self.retry)
        self.drift.check.connect(self.check_drift)
        self.drift.push.connect(self.push_stock)
        QShortcut(QKeySequence("F5"), self, self.sync_now, context=Qt.WidgetWithChildrenShortcut)
        self._ctx.changes.changed.connect(self._on_changes)

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        db = self._ctx.db
        self._ctx.ops.run(lambda: (channels.list_channels(db), channels.connector_kinds()),
                          success=self._show_list)

    def _show_list(self, result) -> None:
        rows, (kinds, failures) = result
        self.kinds = {k.kind: k for k in kinds}
        if self.kind_box.count() != len(kinds):
            self.kind_box.clear()
            for k in kinds:
                self.kind_box.addItem(k.title, k.kind)
        keep = self.current.code if self.current else None
        self.model.set_rows(rows)
        self._schedule(rows)
        if failures:
            self.status.setText("Connector plugins that failed to load: " + "; ".join(
                f"{k}: {v}" for k, v in failures.items()))
        match = [i for i, r in enumerate(rows) if r.code == keep] or ([0] if rows else [])
        if match:
            self.table.selectRow(match[0])
        elif not rows:
            self.new_channel()

    def _on_changes(self, areas: set) -> None:
        if areas & {"channels", "sync", "settings"}:  # sync schedules are settings
            self.reload()

    def _on_select(self, *_) -> None:
        info = selected_row(self.table)
        if info is not None:
            self._show_channel(info)

    def _show_channel(self, info: channels.ChannelInfo) -> None:
        self.current = info
        self.name_edit.setText(info.name)
        self.code_edit.setText(info.code)
        self.code_edit.setReadOnly(True)
        self.locations_edit.setText(", ".join(info.locations))
        self.buffer_spin.setValue(info.safety_buffer)
        self.schedule_spin.setValue(info.schedule_minutes)
        kind = self.kinds.get(info.kind)
        self.form.build(kind.fields if kind else (), info.settings, info.secrets_set)
        self._load_details(info.code)

    def _load_details(self, code: str) -> None:
        db = self._ctx.db
        self._ctx.ops.run(lambda: (sync.recent_runs(db, code), sync.list_errors(db, code),
                                   inventory_push.drift_report(db, code)),
                          success=self._show_details)

    def _show_details(self, result) -> None:
        runs, errors, drift = result
        self.runs.model.set_rows(runs)
        self.errors.set_rows(errors)
        self.drift.model.set_rows(drift)
        self.tabs.setTabText(1, f"Failed payloads ({len(errors)})")

    # -- editing -------------------------------------------------------------------------------
    def new_channel(self) -> None:
        kind = self.kinds.get(self.kind_box.currentData())
        self.current = None
        self.table.clearSelection()
        for w in (self.name_edit, self.code_edit, self.locations_edit):
            w.clear()
        self.code_edit.setReadOnly(False)
        self.buffer_spin.setValue(0)
        self.schedule_spin.setValue(0)
        self.form.build(kind.fields if kind else ())
        self.status.setText(f"New {kind.title if kind else ''} channel: fill in the settings "
                            "and save.")
        self.name_edit.setFocus()

    def save(self) -> None:
        kind = self.current.kind if self.current else self.kind_box.currentData()
        ctx, values, minutes = self._ctx, self.form.values(), self.schedule_spin.value()
        name, code = self.name_edit.text().strip(), self.code_edit.text().strip() or None
        locations = [c.strip() for c in self.locations_edit.text().split(",") if c.strip()]
        buffer = self.buffer_spin.value()

        def work():
            info = channels.save_channel(ctx.db, actor=ctx.actor, kind=kind, name=name, code=code,
                                         values=values, locations=locations, safety_buffer=buffer)
            channels.set_schedule(ctx.db, actor=ctx.actor, code=info.code, minutes=minutes)
            return channels.get_channel(ctx.db, info.code)

        ctx.ops.run(work, success=self._saved)

    def _saved(self, info: channels.ChannelInfo) -> None:
        self.current = info
        self.status.setText(f"Saved channel {info.code}.")

    # -- network actions -----------------------------------------------------------------------
    def test_connection(self) -> None:
        if self.current is None:
            return
        ctx, code = self._ctx, self.current.code
        self.status.setText(f"Testing {code}…")
        ctx.ops.run(lambda: channels.test_channel(ctx.db, actor=ctx.actor, code=code),
                    network=True, success=lambda text: self.status.setText(f"✔ {code}: {text}"),
                    failure=lambda exc: self.status.setText(f"✘ {code}: {exc}"))

    def sync_now(self, code: str | None = None) -> None:
        code = code or (self.current.code if self.current else None)
        if code is None or code in self.running:
            return
        self.running.add(code)
        self.progress.show()
        self.status.setText(f"Syncing {code}…")
        ctx = self._ctx

        def work(task):
            result = sync.sync_orders(
                ctx.db, actor=ctx.actor, code=code, run_db=lambda fn: on_db_worker(ctx, fn),
                progress=lambda counts, text: task.report(counts.fetched, 0, text))
            pushed = channel_push.drain_outbox(ctx.db, code=code) if result.ok else None
            return result, pushed, _push_stock(ctx, code) if result.ok else ""

        ctx.ops.run(work, network=True, with_task=True, progress=self._progress,
                    success=self._synced, failure=lambda exc: self._sync_failed(code, exc))

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setFormat(text)
        self.status.setText(text)

    def _synced(self, result) -> None:
        run, pushed, stock = result
        self.running.discard(run.channel)
        self.progress.hide()
        mark = "✔" if run.ok else "✘"
        text = (f"{mark} {run.channel}: fetched {run.fetched}, created {run.created}, updated "
                f"{run.updated}, unchanged {run.unchanged}, failed {run.failed}"
                f" in {run.duration_s:.1f} s")
        if pushed and pushed.sent:
            text += f"; {plural(pushed.sent, 'fulfilment')} pushed"
        self.status.setText(text + (f" — {run.error}" if run.error else "") + stock)

    def _sync_failed(self, code: str, exc: BaseException) -> None:
        self.running.discard(code)
        self.progress.hide()
        self.status.setText(f"✘ {code}: {exc}")

    def retry(self) -> None:
        if self.current is None:
            return
        ctx, code = self._ctx, self.current.code
        ctx.ops.run(lambda: sync.retry_errors(ctx.db, actor=ctx.actor, code=code), network=True,
                    success=lambda c: self._after(f"Retry: {c.created} created, {c.updated} "
                                                  "updated; the rest still fail.", "orders"))

    def check_drift(self) -> None:
        if self.current is None:
            return
        ctx, code = self._ctx, self.current.code
        ctx.ops.run(lambda: inventory_push.check_drift(ctx.db, actor=ctx.actor, code=code),
                    network=True, success=lambda rows: self._after(
                        f"{plural(sum(1 for r in rows if r.drift), 'SKU')} differ on {code}."))

    def push_stock(self) -> None:
        if self.current is None:
            return
        ctx, code = self._ctx, self.current.code
        ctx.ops.run(lambda: inventory_push.push_inventory(ctx.db, actor=ctx.actor, code=code),
                    network=True, success=lambda s: self._after(
                        f"Stock pushed to {code}: {s.pushed} sent, {s.unchanged} unchanged, "
                        f"{s.failed} failed."))

    def _after(self, text: str) -> None:
        self.status.setText(text)

    # -- schedule ------------------------------------------------------------------------------
    def _schedule(self, rows) -> None:
        wanted = {r.code: r.schedule_minutes for r in rows if r.schedule_minutes and r.active}
        for code in set(self.timers) - set(wanted):
            self.timers.pop(code).stop()
        for code, minutes in wanted.items():
            timer = self.timers.get(code)
            if timer is None:
                timer = self.timers[code] = QTimer(self)
                timer.timeout.connect(lambda c=code: self.sync_now(c))
            if timer.interval() != minutes * 60_000 or not timer.isActive():
                timer.start(minutes * 60_000)
