"""the books beyond the channels: a posting may have no channel (the month's stock journal,
a B2B invoice), a longer kind, and a digest of its source as it was when queued (a source
changed after posting makes the posting stale in the reconciliation)

Revision ID: books_2
Revises: firstday_1
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "books_2"
down_revision = "firstday_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("book_postings") as batch:
        batch.alter_column("channel_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("kind", existing_type=sa.String(length=16),
                           type_=sa.String(length=32), existing_nullable=False)
        batch.add_column(sa.Column("source_digest", sa.String(length=64), nullable=True))
    op.create_index("ix_book_postings_kind_day", "book_postings", ["kind", "day"])


def downgrade() -> None:
    op.drop_index("ix_book_postings_kind_day", table_name="book_postings")
    left = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM book_postings WHERE channel_id IS NULL")).scalar()
    if left:  # a stock journal or a B2B posting has no channel: dropping it would lose it
        raise RuntimeError(f"{left} postings have no channel (stock journals, B2B): "
                           "the books before books_2 cannot hold them")
    with op.batch_alter_table("book_postings") as batch:
        batch.drop_column("source_digest")
        batch.alter_column("kind", existing_type=sa.String(length=32),
                           type_=sa.String(length=16), existing_nullable=False)
        batch.alter_column("channel_id", existing_type=sa.Integer(), nullable=False)
