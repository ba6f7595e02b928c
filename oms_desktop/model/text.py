"""Case-insensitive text keys that an index can serve on both databases."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class fold(FunctionElement):
    """A column compared and sorted without regard to case.

    SQLite: `col COLLATE NOCASE` (LIKE 'abc%' then uses a NOCASE index on the column);
    PostgreSQL: `lower(col)` (an index on it with text_pattern_ops serves LIKE 'abc%',
    a plain one serves ORDER BY)."""

    name = "fold"
    inherit_cache = True
    type = sa.String()


@compiles(fold)
def _fold_lower(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(fold, "sqlite")
def _fold_nocase(element, compiler, **kw):
    return f"{compiler.process(element.clauses, **kw)} COLLATE NOCASE"


def fold_text(dialect: str, text: str) -> str:
    """`text` folded the way `fold` folds a column on that database (SQLite NOCASE folds
    only ASCII letters)."""
    if dialect == "sqlite":
        return "".join(c.lower() if c.isascii() else c for c in text)
    return text.lower()
