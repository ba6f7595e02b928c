"""access: sign-in lockout (wrong attempts, locked until) and the sites a user may see

Revision ID: access_1
Revises: guards_1
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "access_1"
down_revision = "guards_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_attempts", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("locked_until", oms_desktop.model.base.UtcDateTime(),
                                      nullable=True))
    op.create_table(
        "user_sites",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"],
                                name=op.f("fk_user_sites_location_id_locations")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_user_sites_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "location_id", name=op.f("pk_user_sites")),
    )


def downgrade() -> None:
    op.drop_table("user_sites")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_attempts")
