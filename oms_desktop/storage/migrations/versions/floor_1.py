"""floor: pick lists, tote slots, short picks, scan trail

Revision ID: floor_1
Revises: 0001
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "floor_1"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pick_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('single', 'batch', 'wave', name='picklistkind', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'picking', 'done', 'cancelled', name='pickliststatus', native_enum=False, length=32), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('criteria', sa.JSON(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('finished_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.Column('confirmed_line_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_pick_lists_location_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_lists'))
    )
    op.create_table('pick_list_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pick_list_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('bin_id', sa.Integer(), nullable=False),
    sa.Column('bin_code', sa.String(length=64), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('picked_qty', sa.Integer(), nullable=False),
    sa.Column('short_qty', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'picked', 'short', name='picklinestatus', native_enum=False, length=32), nullable=False),
    sa.ForeignKeyConstraint(['bin_id'], ['locations.id'], name=op.f('fk_pick_list_lines_bin_id_locations')),
    sa.ForeignKeyConstraint(['pick_list_id'], ['pick_lists.id'], name=op.f('fk_pick_list_lines_pick_list_id_pick_lists')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_pick_list_lines_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_list_lines'))
    )
    op.create_index(op.f('ix_pick_list_lines_pick_list_id'), 'pick_list_lines', ['pick_list_id'], unique=False)
    op.create_table('pick_list_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pick_list_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('tote', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['pick_list_id'], ['pick_lists.id'], name=op.f('fk_pick_list_slots_pick_list_id_pick_lists')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_pick_list_slots_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_list_slots')),
    sa.UniqueConstraint('pick_list_id', 'slot', name=op.f('uq_pick_list_slots_pick_list_id_slot'))
    )
    op.create_index(op.f('ix_pick_list_slots_shipment_id'), 'pick_list_slots', ['shipment_id'], unique=False)
    op.create_index(op.f('ix_pick_list_slots_tote'), 'pick_list_slots', ['tote'], unique=False)
    op.create_table('scan_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('context', sa.String(length=16), nullable=False),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('station', sa.String(length=64), nullable=True),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('result', sa.Enum('ok', 'wrong_item', 'over_scan', 'wrong_bin', 'not_found', 'invalid', 'refused', name='scanresult', native_enum=False, length=32), nullable=False),
    sa.Column('message', sa.String(length=255), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('shipment_id', sa.Integer(), nullable=True),
    sa.Column('shipment_line_id', sa.Integer(), nullable=True),
    sa.Column('pick_list_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('package_no', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.Column('undone', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_scan_events_actor_id_users')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_scan_events_order_id_orders')),
    sa.ForeignKeyConstraint(['pick_list_id'], ['pick_lists.id'], name=op.f('fk_scan_events_pick_list_id_pick_lists')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_scan_events_product_id_products')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_scan_events_shipment_id_shipments')),
    sa.ForeignKeyConstraint(['shipment_line_id'], ['shipment_lines.id'], name=op.f('fk_scan_events_shipment_line_id_shipment_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scan_events'))
    )
    op.create_index(op.f('ix_scan_events_order_id'), 'scan_events', ['order_id'], unique=False)
    op.create_index('ix_scan_events_pick_list', 'scan_events', ['pick_list_id', 'id'], unique=False)
    op.create_index('ix_scan_events_shipment', 'scan_events', ['shipment_id', 'id'], unique=False)
    op.create_table('short_picks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pick_list_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('shipment_line_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('bin_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('open', 'rerouted', 'backordered', 'found', name='shortpickstatus', native_enum=False, length=32), nullable=False),
    sa.Column('reported_by', sa.String(length=64), nullable=False),
    sa.Column('reported_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.Column('resolved_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['bin_id'], ['locations.id'], name=op.f('fk_short_picks_bin_id_locations')),
    sa.ForeignKeyConstraint(['line_id'], ['pick_list_lines.id'], name=op.f('fk_short_picks_line_id_pick_list_lines')),
    sa.ForeignKeyConstraint(['pick_list_id'], ['pick_lists.id'], name=op.f('fk_short_picks_pick_list_id_pick_lists')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_short_picks_product_id_products')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_short_picks_shipment_id_shipments')),
    sa.ForeignKeyConstraint(['shipment_line_id'], ['shipment_lines.id'], name=op.f('fk_short_picks_shipment_line_id_shipment_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_short_picks'))
    )
    op.create_index(op.f('ix_short_picks_pick_list_id'), 'short_picks', ['pick_list_id'], unique=False)
    op.create_index(op.f('ix_short_picks_shipment_id'), 'short_picks', ['shipment_id'], unique=False)
    op.create_index('ix_short_picks_status', 'short_picks', ['status', 'id'], unique=False)
    op.create_table('pick_list_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('shipment_line_id', sa.Integer(), nullable=False),
    sa.Column('reservation_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('picked_qty', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['pick_list_lines.id'], name=op.f('fk_pick_list_items_line_id_pick_list_lines')),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservations.id'], name=op.f('fk_pick_list_items_reservation_id_reservations')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_pick_list_items_shipment_id_shipments')),
    sa.ForeignKeyConstraint(['shipment_line_id'], ['shipment_lines.id'], name=op.f('fk_pick_list_items_shipment_line_id_shipment_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_list_items'))
    )
    op.create_index(op.f('ix_pick_list_items_line_id'), 'pick_list_items', ['line_id'], unique=False)
    op.create_index(op.f('ix_pick_list_items_shipment_line_id'), 'pick_list_items', ['shipment_line_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_pick_list_items_shipment_line_id'), table_name='pick_list_items')
    op.drop_index(op.f('ix_pick_list_items_line_id'), table_name='pick_list_items')
    op.drop_table('pick_list_items')
    op.drop_index('ix_short_picks_status', table_name='short_picks')
    op.drop_index(op.f('ix_short_picks_shipment_id'), table_name='short_picks')
    op.drop_index(op.f('ix_short_picks_pick_list_id'), table_name='short_picks')
    op.drop_table('short_picks')
    op.drop_index('ix_scan_events_shipment', table_name='scan_events')
    op.drop_index('ix_scan_events_pick_list', table_name='scan_events')
    op.drop_index(op.f('ix_scan_events_order_id'), table_name='scan_events')
    op.drop_table('scan_events')
    op.drop_index(op.f('ix_pick_list_slots_tote'), table_name='pick_list_slots')
    op.drop_index(op.f('ix_pick_list_slots_shipment_id'), table_name='pick_list_slots')
    op.drop_table('pick_list_slots')
    op.drop_index(op.f('ix_pick_list_lines_pick_list_id'), table_name='pick_list_lines')
    op.drop_table('pick_list_lines')
    op.drop_table('pick_lists')
