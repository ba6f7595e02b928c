"""The unit of work: one transaction a use case; leaving without commit() rolls back.

A transaction that lost a race to another station (its verb was refused because the other
one moved the entity first, its UPDATE found a newer version, a known constraint refused a
second row, PostgreSQL aborted it in a deadlock) leaves as ONE domain error, ConcurrentChange,
saying who got there first and when (storage/concurrency.py)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from oms_desktop.errors import DatabaseUnavailable, PermissionDenied
from oms_desktop.storage import concurrency

INSUFFICIENT_PRIVILEGE = "42501"  # a grant, a row-level policy or one of our triggers said no


class UnitOfWork:
    def __init__(self, engine: Engine):
        self._engine = engine
        self.session: Session

    def __enter__(self) -> "UnitOfWork":
        self.session = Session(self._engine, expire_on_commit=False, autoflush=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        stale = concurrency.stale_rows(self.session, exc) if exc is not None else []
        self.session.rollback()
        try:
            lost = concurrency.translate(self.session, exc, stale) if exc is not None else None
        except SQLAlchemyError:  # the database went away meanwhile: the first error stands
            lost = None
        finally:
            self.session.rollback()
            self.session.close()
        if lost is not None:
            raise lost from exc
        if isinstance(exc, DBAPIError) and _sqlstate(exc) == INSUFFICIENT_PRIVILEGE:
            raise PermissionDenied(f"Not allowed for your database login: {_first_line(exc)}") \
                from exc
        if isinstance(exc, OperationalError):
            raise DatabaseUnavailable(_describe(exc)) from exc
        return False

    def commit(self) -> None:
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _first_line(exc: DBAPIError) -> str:
    return (str(exc.orig).splitlines() or [""])[0]


def _describe(exc: OperationalError) -> str:
    text = str(exc.orig)
    if "locked" in text or "busy" in text:
        return "The database is busy (locked by another workstation); try again."
    return f"Database error: {text.splitlines()[0] if text else exc}"
