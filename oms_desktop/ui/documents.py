"""Where the station's documents go: the person's own documents folder (platformdirs), or
the folder OMS_DOCUMENTS_DIR names, or the one chosen in Settings; never the shared temporary
folder, where another user's pick list of the same name overwrote the one being printed. A
document is written whole or not at all (a viewer never opens half a PDF)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings

FOLDER_SETTING = "floor/document_folder"
FOLDER_ENV = "OMS_DOCUMENTS_DIR"


def documents_folder() -> Path:
    named = os.environ.get(FOLDER_ENV) or str(QSettings().value(FOLDER_SETTING, "") or "")
    if named:
        return Path(named).expanduser()
    import platformdirs

    return Path(platformdirs.user_documents_dir()) / "OMS station"


def save_document(name: str, content: bytes, folder: Path | None = None) -> Path:
    """`content` as `name` in the documents folder, replacing an earlier copy at once."""
    folder = folder or documents_folder()
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return folder / name
