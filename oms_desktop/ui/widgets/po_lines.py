"""Lines of a purchase order, entered as fast as a scanner or a spreadsheet gives them: a code
field (scan or type a SKU or barcode, Enter adds one or adds one more), a table whose
quantities are edited in place with each line's customer price, its quantity breaks and its
amount, and a list of pasted rows that could not be taken, each with its reason."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QLabel, QListWidget, QSpinBox, QStyledItemDelegate, QVBoxLayout, QWidget,
)

from oms_desktop.errors import ValidationError
from oms_desktop.policies import pasted_rows
from oms_desktop.services.b2b import desk
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.stock_scan import Feedback, ScanField, ScanQueue, large, report
from oms_desktop.ui.widgets.stock_table import Column, make_table

TITLES = ("SKU", "Product", "Qty", "Unit price", "Price breaks", "Amount", "Wanted by")
QTY = TITLES.index("Qty")
MAX_QTY = pasted_rows.MAX_QUANTITY
DISPLAY, EDIT = int(Qt.DisplayRole), int(Qt.EditRole)
ALIGN, TIP = int(Qt.TextAlignmentRole), int(Qt.ToolTipRole)
WANTED_ROLES = frozenset({DISPLAY, EDIT, ALIGN, TIP})
RIGHT = int((Qt.AlignRight | Qt.AlignVCenter).value)


@dataclass(frozen=True)
class Line:
    item: desk.Item
    quantity: int
    requested_on: date | None = None


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


class PoLinesModel(QAbstractTableModel):
    """The lines; a line is one item and requested date, so a scan of it adds one more."""

    total_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.lines: list[Line] = []
        self._rows: dict[tuple, int] = {}  # (sku, requested date) -> row
        self.day = desk.today()
        self.columns = [Column(t, lambda _line: None) for t in TITLES]  # titles for make_table

    def add(self, item: desk.Item, quantity: int = 1, requested_on: date | None = None) -> int:
        """One more line, or more of the line already there; returns its row."""
        row = self._rows.get((item.sku, requested_on))
        if row is not None:
            self.set_quantity(row, self.lines[row].quantity + quantity)
            return row
        row = len(self.lines)
        self.beginInsertRows(QModelIndex(), row, row)
        self._append(Line(item, quantity, requested_on))
        self.endInsertRows()
        self.total_changed.emit()
        return row

    def add_many(self, lines: list[Line]) -> None:
        """A paste's lines at once: one reset and one new total, however many there are."""
        self.beginResetModel()
        for line in lines:
            row = self._rows.get((line.item.sku, line.requested_on))
            if row is None:
                self._append(line)
            else:
                self.lines[row] = replace(self.lines[row], quantity=min(
                    self.lines[row].quantity + line.quantity, MAX_QTY))
        self.endResetModel()
        self.total_changed.emit()

    def _append(self, line: Line) -> None:
        self._rows[(line.item.sku, line.requested_on)] = len(self.lines)
        self.lines.append(line)

    def _index_rows(self) -> None:
        self._rows = {(l.item.sku, l.requested_on): n for n, l in enumerate(self.lines)}

    def set_quantity(self, row: int, quantity: int) -> None:
        self.lines[row] = replace(self.lines[row], quantity=max(1, min(quantity, MAX_QTY)))
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(TITLES) - 1))
        self.total_changed.emit()

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.lines[row]
        self._index_rows()
        self.endRemoveRows()
        self.total_changed.emit()

    def set_items(self, items: dict[str, desk.Item]) -> None:
        """The same lines priced for another customer (items by SKU)."""
        self.beginResetModel()
        self.lines = [replace(l, item=items.get(l.item.sku, l.item)) for l in self.lines]
        self._index_rows()
        self.endResetModel()
        self.total_changed.emit()

    def clear(self) -> None:
        self.beginResetModel()
        self.lines, self._rows = [], {}
        self.endResetModel()
        self.total_changed.emit()

    def unit_price(self, line: Line) -> Decimal:
        return line.item.price(line.quantity, self.day)[0]

    def total(self) -> Decimal:
        return sum((self.unit_price(l) * l.quantity for l in self.lines), Decimal(0))

    def po_lines(self) -> list[desk.PoLine]:
        return [desk.PoLine(l.item.sku, l.quantity, l.requested_on) for l in self.lines]

    # -- the Qt model ----------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(TITLES)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return TITLES[section]
        return None

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemIsEditable if index.column() == QTY else base

    def data(self, index, role=DISPLAY):
        # roles as plain ints: the view asks for every role of every visible cell, and
        # comparing Qt's enum objects cost more than drawing (2,000 pasted lines: 7 s)
        role = int(role)
        if role not in WANTED_ROLES or not index.isValid():
            return None
        line, column = self.lines[index.row()], index.column()
        if role == DISPLAY or role == EDIT:
            return line.quantity if role == EDIT and column == QTY else \
                self._text(line, column)
        if role == ALIGN:
            return RIGHT if column in (QTY, 3, 5) else None
        return line.item.price(line.quantity, self.day)[1] if column == 3 else None

    def _text(self, line: Line, column: int) -> str:
        price = self.unit_price(line)
        return (line.item.sku, line.item.name, f"{line.quantity:,}", money(price),
                " · ".join(f"{q}+ {money(p)}" for q, p in line.item.breaks(self.day)),
                money(price * line.quantity),
                line.requested_on.isoformat() if line.requested_on else "")[column]

    def setData(self, index, value, role=Qt.EditRole) -> bool:
        if role != Qt.EditRole or index.column() != QTY:
            return False
        try:
            quantity = int(str(value).replace(",", "").strip())
        except ValueError:
            return False
        if quantity <= 0:
            return False
        self.set_quantity(index.row(), quantity)
        return True


class QuantityDelegate(QStyledItemDelegate):
    """The quantity cell's editor: whole units up to the most a line takes, all selected so
    that typing replaces it."""

    def createEditor(self, parent, option, index):
        editor = QSpinBox(parent, minimum=1, maximum=MAX_QTY, accessibleName="Quantity")
        editor.setButtonSymbols(QSpinBox.NoButtons)
        return editor

    def setEditorData(self, editor, index) -> None:
        editor.setValue(int(index.data(Qt.EditRole)))
        editor.selectAll()

    def setModelData(self, editor, model, index) -> None:
        editor.interpretText()
        model.setData(index, editor.value())


class CodeField(ScanField):
    """The code field; a paste of several cells or rows goes to the lines, not the field."""

    pasted = Signal(str)

    def keyPressEvent(self, event) -> None:
        text = QGuiApplication.clipboard().text()
        if event.matches(QKeySequence.Paste) and ("\t" in text or "\n" in text.strip()):
            self.pasted.emit(text)
            return
        super().keyPressEvent(event)


class PoLinesWidget(QWidget):
    """Needs a customer (`customer_id`) before anything is added: prices are theirs."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.customer_id: int | None = None
        self._known: dict[str, desk.Item] = {}  # code -> item, for this customer
        self.code = CodeField("SKU or barcode", "Scan or type a SKU or barcode, Enter adds it")
        self.model = PoLinesModel(self)
        self.table = make_table(self.model, "Purchase order lines", stretch="Product")
        self.table.setItemDelegateForColumn(QTY, QuantityDelegate(self.table))
        self.table.horizontalHeader().setResizeContentsPrecision(200)  # not every line
        edit = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(edit.AnyKeyPressed | edit.DoubleClicked | edit.EditKeyPressed)
        large(self.table, 13)
        self.bad = QListWidget(accessibleName="Pasted rows not taken")
        large(self.bad, 12)
        self.bad_title = QLabel("", objectName="Muted")
        self.feedback = Feedback("Last line entered")
        self.queue = ScanQueue(ctx, work=self._work, done=self._found, failed=self._not_found,
                               parent=self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in ((self.code, 0), (self.feedback, 0), (self.table, 3),
                                (self.bad_title, 0), (self.bad, 1)):
            layout.addWidget(widget, stretch)
        self._show_bad([])
        self.code.scanned.connect(self.add_code)
        self.code.pasted.connect(self.paste_rows)
        QShortcut(QKeySequence(Qt.Key_Delete), self.table, self.remove_selected,
                  context=Qt.WidgetShortcut)

    def set_customer(self, customer_id: int | None) -> None:
        """Prices are the customer's: the lines already entered are priced again."""
        self.customer_id, self._known = customer_id, {}
        if customer_id is not None and self.model.lines:
            skus = [l.item.sku for l in self.model.lines]
            db = self._ctx.db
            self._ctx.ops.run(lambda: desk.find_items(db, customer_id=customer_id, codes=skus),
                              success=self._repriced)

    def _repriced(self, items: dict[str, desk.Item]) -> None:
        self._known.update(items)
        self.model.set_items(items)

    # -- one code at a time (scans and Enter) -------------------------------------------------
    def add_code(self, code: str) -> None:
        self.queue.push(code.strip())

    def _work(self, code: str):
        if self.customer_id is None:
            raise ValidationError("Choose the customer first: the prices are theirs")
        if code in self._known:
            item = self._known[code]
            return lambda: {code: item}
        db, customer = self._ctx.db, self.customer_id
        return lambda: desk.find_items(db, customer_id=customer, codes=[code])

    def _found(self, code: str, items: dict[str, desk.Item]) -> None:
        if code not in items:
            self.feedback.problem(f"No product with SKU or barcode {code}")
            return
        self._known[code] = item = items[code]
        row = self.model.add(item)
        self.table.selectRow(row)
        line = self.model.lines[row]
        self.feedback.ok(f"{item.sku} {item.name}: {line.quantity:,} at "
                         f"{money(self.model.unit_price(line))}")

    def _not_found(self, _code: str, exc: Exception) -> None:
        report(self.feedback, exc)

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.model.remove(rows[0].row())

    # -- pasted rows ------------------------------------------------------------------------
    def paste_rows(self, text: str) -> None:
        if self.customer_id is None:
            self.feedback.problem("Choose the customer first: the prices are theirs")
            return
        pasted = pasted_rows.parse(text, today=desk.today())
        codes = [l.code for l in pasted.lines]
        db, customer = self._ctx.db, self.customer_id
        self._ctx.ops.run(lambda: desk.find_items(db, customer_id=customer, codes=codes),
                          success=lambda items: self._take(pasted, items),
                          failure=lambda exc: report(self.feedback, exc))

    def _take(self, pasted: pasted_rows.Pasted, items: dict[str, desk.Item]) -> None:
        bad, good = list(pasted.bad), []
        for line in pasted.lines:
            if line.code in items:
                self._known[line.code] = items[line.code]
                good.append(Line(items[line.code], line.quantity, line.requested_on))
            else:
                bad.append(pasted_rows.BadRow(line.row, f"{line.code} | {line.quantity}",
                                              f"no product with SKU or barcode {line.code}"))
        self.model.add_many(good)
        taken = len(good)
        self._show_bad(sorted(bad, key=lambda b: b.row))
        say = self.feedback.problem if bad else self.feedback.ok
        say(f"Pasted: {taken} row(s) taken" + (f", {len(bad)} not taken (listed below)"
                                               if bad else ""))

    def _show_bad(self, bad: list[pasted_rows.BadRow]) -> None:
        self.bad.clear()
        self.bad.addItems([f"Row {b.row}: {b.text} — {b.reason}" for b in bad])
        self.bad_title.setText(f"Pasted rows not taken ({len(bad)}): fix them and paste "
                               "them again" if bad else "")
        self.bad.setVisible(bool(bad))
        self.bad_title.setVisible(bool(bad))

    def clear(self) -> None:
        self.model.clear()
        self._show_bad([])
