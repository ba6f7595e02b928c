"""dashboard: an index for throughput, shipped-today and shipped-orders counts over recent
audit events (order_id included so that counting shipped orders reads the index only)

Revision ID: dashboard_1
Revises: 0001
"""
from alembic import op

revision = "dashboard_1"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_entity_action_at",
                              ["entity", "action", "at", "order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_entity_action_at")
