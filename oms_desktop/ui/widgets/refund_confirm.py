"""Before money goes back: the amount, what it is made of and where it is paid, to confirm
(Enter refunds, Esc keeps it); and after, what really happened, in words that do not claim
a refund at the channel that the channel never made."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from oms_desktop.services.returns.refunds import RefundQuote, RefundView


def quote_text(quote: RefundQuote) -> str:
    m = quote.money
    parts = ", ".join(f"{name} {value}" for name, value in (
        ("items", m.items), ("tax", m.tax), ("shipping", m.shipping),
        ("less restocking fee", m.fee)) if value or name == "items").capitalize() + "."
    if quote.credit:
        where = f"It is given as store credit on order {quote.order_number}."
    elif quote.at_channel:
        where = f"{quote.channel} pays it back to the customer's payment."
    else:
        where = (f"{quote.channel} cannot take refunds from here: pay it back in "
                 f"{quote.channel}'s own admin or at the till. It is recorded as paid outside.")
    return f"{parts}\n\n{where}"


def confirm_refund(parent: QWidget, quote: RefundQuote,
                   accepted: Callable[[], None]) -> QMessageBox:
    """A window-modal question, opened without blocking; `accepted` runs on Refund."""
    verb = "Give store credit of" if quote.credit else "Refund"
    box = QMessageBox(QMessageBox.Question, "Confirm refund",
                      f"{verb} {quote.amount} on {quote.rma_number}?", parent=parent)
    box.setInformativeText(quote_text(quote))
    ok = box.addButton(f"{verb.split(' of')[0]} {quote.amount}", QMessageBox.AcceptRole)
    box.addButton("Keep (Esc)", QMessageBox.RejectRole)
    box.setDefaultButton(ok)
    box.setAccessibleName("Confirm refund")
    box.setWindowModality(Qt.WindowModal)
    box.setStyleSheet("QLabel { font-size: 15pt; } QLabel#qt_msgbox_informativelabel "
                      "{ min-width: 560px; } QPushButton { font-size: 14pt; "
                      "padding: 8px 18px; }")
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda b: accepted() if b is ok else None)
    box.open()
    return box


def refund_message(refund: RefundView) -> str:
    money = f"{refund.amount} {refund.currency}"
    if refund.kind == "store_credit":
        return f"Store credit of {money} recorded on {refund.rma_number}"
    if refund.status == "approved":
        return f"Refund of {money} on {refund.rma_number} sent to the channel"
    if refund.status == "issued":
        return f"Refunded {money} on {refund.rma_number}"
    return (f"{money} on {refund.rma_number} recorded as paid outside: pay it back in the "
            "channel's own admin or at the till")
