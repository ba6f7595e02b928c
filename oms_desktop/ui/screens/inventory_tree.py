"""The location hierarchy with stock totals, and what the chosen location holds."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView, QLabel, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from oms_desktop.services.inventory import views
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.stock_scan import run_for
from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table

CONTENT_COLUMNS = [
    Column("Location", lambda r: r.location), Column("SKU", lambda r: r.sku),
    Column("Product", lambda r: r.name), Column("On hand", lambda r: r.on_hand, True),
    Column("Reserved", lambda r: r.reserved, True),
    Column("Available", lambda r: r.available, True),
]
TREE_HEADERS = ["Location", "Kind", "On hand", "Reserved", "Available"]


class LocationsTab(QWidget):
    """Emits `location_chosen(code)` when the user moves through the tree."""

    location_chosen = Signal(str)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.codes: list[tuple[str, str]] = []  # (code, kind) of every node, tree order
        self.tree = QTreeWidget(accessibleName="Location tree")
        self.tree.setHeaderLabels(TREE_HEADERS)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.tree.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.setUniformRowHeights(True)
        self.contents = RowTableModel(CONTENT_COLUMNS, self)
        self.contents_view = make_table(self.contents, "Stock at the chosen location",
                                        stretch="Product")
        self.caption = QLabel("Choose a location", objectName="Muted")
        self._build()
        self.tree.currentItemChanged.connect(self._chosen)

    def _build(self) -> None:
        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.caption)
        box.addWidget(self.contents_view)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(right)
        split.setSizes([520, 560])
        QVBoxLayout(self).addWidget(split)

    def reload(self) -> None:
        actor = self._ctx.actor
        run_for(self, self._ctx, lambda: views.location_tree(self._ctx.db, actor=actor),
                success=self._fill)

    def current_code(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.UserRole) if item else None

    def select(self, code: str) -> None:
        found = self.tree.findItems(code, Qt.MatchExactly | Qt.MatchRecursive, 0)
        if found:
            self.tree.setCurrentItem(found[0])

    def _fill(self, roots: list[views.LocationNode]) -> None:
        keep = self.current_code()
        expanded = self._expanded()
        self.tree.clear()
        self.codes = []
        for node in roots:
            self.tree.addTopLevelItem(self._item(node, expanded))
        if not expanded:
            self.tree.expandToDepth(2)
        if keep:
            self.select(keep)
        elif self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _item(self, node: views.LocationNode, expanded: set[str]) -> QTreeWidgetItem:
        self.codes.append((node.code, node.kind))
        item = QTreeWidgetItem([node.code, node.kind, f"{node.on_hand:,}",
                                f"{node.reserved:,}", f"{node.available:,}"])
        item.setData(0, Qt.UserRole, node.code)
        item.setToolTip(0, node.name)
        for col in (2, 3, 4):
            item.setTextAlignment(col, Qt.AlignRight | Qt.AlignVCenter)
        for child in node.children:
            item.addChild(self._item(child, expanded))
        item.setExpanded(node.code in expanded)
        return item

    def _expanded(self) -> set[str]:
        found, todo = set(), [self.tree.topLevelItem(i)
                              for i in range(self.tree.topLevelItemCount())]
        while todo:
            item = todo.pop()
            if item.isExpanded():
                found.add(item.data(0, Qt.UserRole))
            todo.extend(item.child(i) for i in range(item.childCount()))
        return found

    def _chosen(self, item, _previous=None) -> None:
        if item is None:
            return
        code = item.data(0, Qt.UserRole)
        self.caption.setText(f"{code} — {item.toolTip(0)}")
        self.location_chosen.emit(code)
        actor = self._ctx.actor
        run_for(self, self._ctx, 
                   lambda: views.location_contents(self._ctx.db, actor=actor, code=code),
                success=lambda rows, c=code: self._show_contents(c, rows))

    def _show_contents(self, code: str, rows) -> None:
        if code == self.current_code():
            self.contents.set_rows(rows)
