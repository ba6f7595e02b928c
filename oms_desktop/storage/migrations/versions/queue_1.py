"""order queue: an index for every sort under a status filter, and for the free-text search

Revision ID: queue_1
Revises: 0001
Create Date: 2026-11-27
"""
from alembic import op

revision = "queue_1"
down_revision = "0001"
branch_labels = None
depends_on = None

PLAIN = [
    ("orders", "ix_orders_status_id", ["status", "id"]),
    ("orders", "ix_orders_status_number", ["status", "number", "id"]),
    ("orders", "ix_orders_status_total", ["status", "total", "id"]),
    ("orders", "ix_orders_external_id", ["external_id"]),
    ("orders", "ix_orders_email", ["email"]),
    ("order_lines", "ix_order_lines_sku", ["sku"]),
]

# Case-insensitive keys: SQLite compares `col COLLATE NOCASE`, PostgreSQL `lower(col)`;
# text_pattern_ops lets PostgreSQL serve LIKE 'prefix%' whatever the database collation.
FOLDED = {
    "sqlite": [
        "CREATE INDEX ix_orders_status_customer ON orders (status, ship_name COLLATE NOCASE, id)",
        "CREATE INDEX ix_orders_customer_prefix ON orders (ship_name COLLATE NOCASE)",
        "CREATE INDEX ix_orders_number_prefix ON orders (number COLLATE NOCASE)",
    ],
    "postgresql": [
        "CREATE INDEX ix_orders_status_customer ON orders (status, lower(ship_name), id)",
        "CREATE INDEX ix_orders_customer_prefix ON orders (lower(ship_name) text_pattern_ops)",
        "CREATE INDEX ix_orders_number_prefix ON orders (lower(number) text_pattern_ops)",
    ],
}
FOLDED_NAMES = ["ix_orders_status_customer", "ix_orders_customer_prefix",
                "ix_orders_number_prefix"]


def upgrade() -> None:
    for table, name, columns in PLAIN:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_index(name, columns, unique=False)
    for statement in FOLDED[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for name in FOLDED_NAMES:
        op.execute(f"DROP INDEX {name}")
    for table, name, _ in reversed(PLAIN):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(name)
