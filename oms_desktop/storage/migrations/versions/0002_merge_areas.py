"""one schema again: merge the areas' first migrations

Revision ID: 0002
Revises: automation_1, channels_1, counting_1, dashboard_1, floor_1, queue_1, shipping_1
Create Date: 2026-11-27
"""

revision = "0002"
down_revision = ("automation_1", "channels_1", "counting_1", "dashboard_1", "floor_1",
                 "queue_1", "shipping_1")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
