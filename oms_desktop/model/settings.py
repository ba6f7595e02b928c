from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from oms_desktop.model.base import Base, utcnow


class Setting(Base):
    """A named setting shared by every workstation (thresholds, weights, policies). A station's
    own settings (printers, scanner timing) stay on that station; secrets live in the keyring."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    value: Mapped[Any] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
