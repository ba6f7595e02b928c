"""order search: a word index (order_words) filled from every stored order

Revision ID: managers_1
Revises: carriers2_1
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "managers_1"
down_revision = "carriers2_1"
branch_labels = None
depends_on = None

BACKFILL_PAGE = 5_000


def upgrade() -> None:
    word = sa.String(length=64)
    if op.get_bind().dialect.name == "postgresql":
        word = sa.String(length=64, collation="C")  # byte order: a prefix is one key range
    op.create_table(
        "order_words",
        sa.Column("word", word, nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("word", "order_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_order_words_order_id", "order_words", ["order_id", "word"],
                    unique=False)
    _backfill(op.get_bind())


def _backfill(conn) -> None:
    """Index the orders already stored, a page of ids at a time."""
    from oms_desktop.model.search import reindex

    after = 0
    while True:
        ids = list(conn.execute(sa.text("SELECT id FROM orders WHERE id > :after ORDER BY id "
                                        "LIMIT :n"), {"after": after, "n": BACKFILL_PAGE})
                   .scalars())
        if not ids:
            return
        reindex(conn, ids)
        after = ids[-1]


def downgrade() -> None:
    op.drop_index("ix_order_words_order_id", table_name="order_words")
    op.drop_table("order_words")
