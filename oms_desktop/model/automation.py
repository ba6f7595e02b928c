"""Automation rules: "when <trigger> and <conditions> then <actions>", kept as data."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from oms_desktop.model.base import Base, utcnow


class RuleTrigger(enum.StrEnum):
    order_imported = "order_imported"
    order_changed = "order_changed"
    stock_changed = "stock_changed"
    shipment_packed = "shipment_packed"
    shipment_shipped = "shipment_shipped"


class AutomationRule(Base):
    """One rule. `conditions` and `actions` are lists of JSON dicts validated by
    policies.rules; rules run in `position` order, the later one winning a conflict."""

    __tablename__ = "automation_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128), unique=True)
    position: Mapped[int] = mapped_column(index=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    trigger: Mapped[RuleTrigger]
    conditions: Mapped[list] = mapped_column(default=list)
    actions: Mapped[list] = mapped_column(default=list)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RuleRun(Base):
    """What a rule last saw on an order: it acts again only when the facts its conditions
    read have changed, so a manager's override is not fought and nothing loops."""

    __tablename__ = "automation_rule_runs"

    rule_id: Mapped[int] = mapped_column(
        sa.ForeignKey("automation_rules.id", ondelete="CASCADE"), primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), primary_key=True)
    matched: Mapped[bool]
    digest: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
