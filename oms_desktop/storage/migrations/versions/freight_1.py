"""freight: customers' delivery terms, delivery stages of orders (one per requested date),
pallets of cartons with their SSCC-18, freight (LTL) bookings with their bill of lading

Revision ID: freight_1
Revises: brands_1
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "freight_1"
down_revision = "brands_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('delivery_terms',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('partial_allowed', sa.Boolean(), nullable=False),
    sa.Column('backorders', sa.Enum('ship', 'cancel', name='backorderpolicy', native_enum=False, length=32), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_delivery_terms_customer_id_customers')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_delivery_terms'))
    )
    op.create_table('delivery_stages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'released', name='stagestatus', native_enum=False, length=32), nullable=False),
    sa.Column('released_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.Column('released_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_delivery_stages_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_stages')),
    sa.UniqueConstraint('order_id', 'due_on', name=op.f('uq_delivery_stages_order_id_due_on')),
    sa.UniqueConstraint('order_id', 'number', name=op.f('uq_delivery_stages_order_id_number'))
    )
    op.create_index(op.f('ix_delivery_stages_order_id'), 'delivery_stages', ['order_id'], unique=False)
    op.create_index('ix_delivery_stages_status_due_on', 'delivery_stages', ['status', 'due_on'], unique=False)
    op.create_table('delivery_stage_lines',
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_delivery_stage_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['stage_id'], ['delivery_stages.id'], name=op.f('fk_delivery_stage_lines_stage_id_delivery_stages')),
    sa.PrimaryKeyConstraint('order_line_id', name=op.f('pk_delivery_stage_lines'))
    )
    op.create_index(op.f('ix_delivery_stage_lines_stage_id'), 'delivery_stage_lines', ['stage_id'], unique=False)
    op.create_table('freight_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('carrier', sa.String(length=64), nullable=False),
    sa.Column('scac', sa.String(length=4), nullable=False),
    sa.Column('pro_number', sa.String(length=35), nullable=False),
    sa.Column('bol_number', sa.String(length=17), nullable=False),
    sa.Column('freight_class', sa.String(length=5), nullable=False),
    sa.Column('pickup_on', sa.Date(), nullable=False),
    sa.Column('booked_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('booked_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_freight_bookings_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_freight_bookings')),
    sa.UniqueConstraint('bol_number', name=op.f('uq_freight_bookings_bol_number')),
    sa.UniqueConstraint('shipment_id', name=op.f('uq_freight_bookings_shipment_id'))
    )
    op.create_table('pallets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sscc', sa.String(length=18), nullable=False),
    sa.Column('tare_weight_g', sa.Integer(), nullable=False),
    sa.Column('height_mm', sa.Integer(), nullable=True),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_pallets_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pallets')),
    sa.UniqueConstraint('shipment_id', 'number', name=op.f('uq_pallets_shipment_id_number')),
    sa.UniqueConstraint('sscc', name=op.f('uq_pallets_sscc'))
    )
    op.create_index(op.f('ix_pallets_shipment_id'), 'pallets', ['shipment_id'], unique=False)
    op.create_table('pallet_cartons',
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('pallet_id', sa.Integer(), nullable=False),
    sa.Column('placed_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('placed_by', sa.String(length=64), nullable=False),
    sa.Column('station', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_pallet_cartons_package_id_packages')),
    sa.ForeignKeyConstraint(['pallet_id'], ['pallets.id'], name=op.f('fk_pallet_cartons_pallet_id_pallets')),
    sa.PrimaryKeyConstraint('package_id', name=op.f('pk_pallet_cartons'))
    )
    op.create_index(op.f('ix_pallet_cartons_pallet_id'), 'pallet_cartons', ['pallet_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_pallet_cartons_pallet_id'), table_name='pallet_cartons')
    op.drop_table('pallet_cartons')
    op.drop_index(op.f('ix_pallets_shipment_id'), table_name='pallets')
    op.drop_table('pallets')
    op.drop_table('freight_bookings')
    op.drop_index(op.f('ix_delivery_stage_lines_stage_id'), table_name='delivery_stage_lines')
    op.drop_table('delivery_stage_lines')
    op.drop_index('ix_delivery_stages_status_due_on', table_name='delivery_stages')
    op.drop_index(op.f('ix_delivery_stages_order_id'), table_name='delivery_stages')
    op.drop_table('delivery_stages')
    op.drop_table('delivery_terms')
