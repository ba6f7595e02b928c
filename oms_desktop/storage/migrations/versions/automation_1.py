"""automation rules, restock triggers, customer notifications

Revision ID: automation_1
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "automation_1"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('automation_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('trigger', sa.Enum('order_imported', 'order_changed', 'stock_changed', 'shipment_packed', 'shipment_shipped', name='ruletrigger', native_enum=False, length=32), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_automation_rules')),
    sa.UniqueConstraint('name', name=op.f('uq_automation_rules_name'))
    )
    with op.batch_alter_table('automation_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_automation_rules_position'), ['position'], unique=False)

    op.create_table('notification_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('order_confirmation', 'shipped', 'ready_for_pickup', 'return_received', 'refund_issued', name='notificationkind', native_enum=False, length=32), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_templates')),
    sa.UniqueConstraint('kind', 'language', name=op.f('uq_notification_templates_kind_language'))
    )
    op.create_table('automation_rule_runs',
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Boolean(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_automation_rule_runs_order_id_orders')),
    sa.ForeignKeyConstraint(['rule_id'], ['automation_rules.id'], name=op.f('fk_automation_rule_runs_rule_id_automation_rules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rule_id', 'order_id', name=op.f('pk_automation_rule_runs'))
    )
    op.create_table('notification_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.Enum('order_confirmation', 'shipped', 'ready_for_pickup', 'return_received', 'refund_issued', name='notificationkind', native_enum=False, length=32), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=255), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='outboxstatus', native_enum=False, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('sent_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_notification_outbox_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_outbox')),
    sa.UniqueConstraint('key', name=op.f('uq_notification_outbox_key'))
    )
    with op.batch_alter_table('notification_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_notification_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_outbox_order_id'), ['order_id'], unique=False)

    op.create_table('reorder_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('reorder_point', sa.Integer(), nullable=False),
    sa.Column('max_qty', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_qty >= reorder_point', name=op.f('ck_reorder_points_max_not_below_point')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_reorder_points_location_id_locations')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_reorder_points_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reorder_points')),
    sa.UniqueConstraint('product_id', 'location_id', name=op.f('uq_reorder_points_product_id_location_id'))
    )
    with op.batch_alter_table('reorder_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reorder_points_location_id'), ['location_id'], unique=False)

    op.create_table('replenishment_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('transfer', 'purchase', name='suggestionkind', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'accepted', 'dismissed', 'received', name='suggestionstatus', native_enum=False, length=32), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.Column('received_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_replenishment_suggestions_quantity_positive')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_replenishment_suggestions_location_id_locations')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_replenishment_suggestions_product_id_products')),
    sa.ForeignKeyConstraint(['source_id'], ['locations.id'], name=op.f('fk_replenishment_suggestions_source_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_replenishment_suggestions'))
    )
    with op.batch_alter_table('replenishment_suggestions', schema=None) as batch_op:
        batch_op.create_index('ix_replenishment_suggestions_open', ['status', 'product_id', 'location_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('replenishment_suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_replenishment_suggestions_open')

    op.drop_table('replenishment_suggestions')
    with op.batch_alter_table('reorder_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reorder_points_location_id'))

    op.drop_table('reorder_points')
    with op.batch_alter_table('notification_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_outbox_order_id'))
        batch_op.drop_index('ix_notification_outbox_due')

    op.drop_table('notification_outbox')
    op.drop_table('automation_rule_runs')
    op.drop_table('notification_templates')
    with op.batch_alter_table('automation_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_automation_rules_position'))

    op.drop_table('automation_rules')
