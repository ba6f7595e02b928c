"""The one place errors are shown (STYLE habit 12): an OmsError's message as it is; anything
else as a short message, with the traceback written to the log."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from oms_desktop.errors import OmsError, PermissionDenied
from oms_desktop.plugins.redaction import redact

log = logging.getLogger("oms_desktop.ui")

shown: list[str] = []  # what was shown, newest last (tests and the status bar read it)


def message_for(exc: BaseException) -> str:
    if isinstance(exc, OmsError):
        return str(exc)
    return (f"Something went wrong ({type(exc).__name__}: {redact(str(exc))}). "
            "The details were written to the log.")


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """Show `exc` without blocking the caller (the box is window-modal, opened not exec'd)."""
    if not isinstance(exc, OmsError):
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    text = message_for(exc)
    shown.append(text)
    title = "Not allowed" if isinstance(exc, PermissionDenied) else "Cannot do that"
    box = QMessageBox(QMessageBox.Warning if isinstance(exc, OmsError) else QMessageBox.Critical,
                      title, text, QMessageBox.Ok, parent)
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.setAccessibleName(title)
    box.open()
    return box
