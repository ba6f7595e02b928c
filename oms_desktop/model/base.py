"""Declarative base and the column types every entity shares."""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY_SCALE = 4
_MONEY_FACTOR = Decimal(10) ** MONEY_SCALE


class Money(TypeDecorator):
    """Exact decimal money.

    PostgreSQL keeps NUMERIC(18, 4). SQLite has no exact decimal type, so there the value is
    stored as an integer count of ten-thousandths, which keeps sums and comparisons exact.
    """

    impl = sa.Numeric(18, MONEY_SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        return dialect.type_descriptor(sa.Numeric(18, MONEY_SCALE, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value)
        if dialect.name == "sqlite":
            return int((value * _MONEY_FACTOR).to_integral_value())
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(value) / _MONEY_FACTOR).quantize(Decimal(1).scaleb(-MONEY_SCALE))
        return Decimal(value)


class UtcDateTime(TypeDecorator):
    """Timestamps stored as naive UTC and always returned timezone-aware (UTC)."""

    impl = sa.DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use oms_desktop.model.utcnow()")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Entities get their scalar column defaults when constructed, not only at INSERT, so a
    new Order is `new` (and its state machine works) before it is flushed."""

    metadata = sa.MetaData(naming_convention=NAMING)

    def __init__(self, **values):
        for attr in sa.inspect(type(self)).column_attrs:
            default = attr.columns[0].default
            if attr.key not in values and default is not None and default.is_scalar:
                setattr(self, attr.key, default.arg)
        for key, value in values.items():
            if not hasattr(type(self), key):
                raise TypeError(f"{key!r} is not an attribute of {type(self).__name__}")
            setattr(self, key, value)

    type_annotation_map = {
        # Enums are stored as plain strings (names == values in our StrEnums): adding a member
        # later needs no migration and no native ENUM type on PostgreSQL.
        enum.Enum: sa.Enum(enum.Enum, native_enum=False, length=32, create_constraint=False),
        datetime: UtcDateTime(),
        Decimal: Money(),
        str: sa.String(255),
        dict: sa.JSON(),
        list: sa.JSON(),
    }


class Versioned:
    """An aggregate that many workstations change: every ORM UPDATE of its row is
    `… WHERE id = :id AND version = :seen` (SQLAlchemy's version_id_col), so a write based on
    a stale read matches no row and the unit of work turns it into ConcurrentChange. Bulk
    Core UPDATEs of these tables bump the version themselves."""

    version: Mapped[int] = mapped_column(server_default=sa.text("1"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}
