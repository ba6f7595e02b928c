"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('safety_buffer', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channels')),
    sa.UniqueConstraint('code', name=op.f('uq_channels_code'))
    )
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('consumer', 'business', name='customerkind', native_enum=False, length=32), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('company', sa.String(length=255), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('payment_terms_days', sa.Integer(), nullable=True),
    sa.Column('credit_limit', oms_desktop.model.base.Money(precision=18, scale=4), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_email'), ['email'], unique=False)

    op.create_table('locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.Enum('organisation', 'brand', 'region', 'warehouse', 'store', 'threepl', 'zone', 'bin', 'supplier', 'customer', 'transit', 'inventory', name='locationkind', native_enum=False, length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('walk_sequence', sa.Integer(), nullable=True),
    sa.Column('sellable', sa.Boolean(), nullable=False),
    sa.Column('ships_from', sa.Boolean(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('city', sa.String(length=128), nullable=True),
    sa.Column('postal_code', sa.String(length=32), nullable=True),
    sa.Column('address_line1', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['locations.id'], name=op.f('fk_locations_parent_id_locations')),
    sa.ForeignKeyConstraint(['site_id'], ['locations.id'], name=op.f('fk_locations_site_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_locations')),
    sa.UniqueConstraint('code', name=op.f('uq_locations_code'))
    )
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_locations_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_locations_site_id'), ['site_id'], unique=False)

    op.create_table('settings',
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('packer', 'supervisor', 'manager', 'admin', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('channel_locations',
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_channel_locations_channel_id_channels')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_channel_locations_location_id_locations')),
    sa.PrimaryKeyConstraint('channel_id', 'location_id', name=op.f('pk_channel_locations'))
    )
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('new', 'verified', 'on_hold', 'in_fulfilment', 'completed', 'cancelled', name='orderstatus', native_enum=False, length=32), nullable=False),
    sa.Column('financial_status', sa.Enum('pending', 'authorized', 'paid', 'partially_refunded', 'refunded', name='financialstatus', native_enum=False, length=32), nullable=False),
    sa.Column('fulfilment_status', sa.Enum('unfulfilled', 'partial', 'fulfilled', name='fulfilmentstatus', native_enum=False, length=32), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('subtotal', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('shipping_total', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('tax_total', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('discount_total', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('total', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('ship_name', sa.String(length=255), nullable=True),
    sa.Column('ship_company', sa.String(length=255), nullable=True),
    sa.Column('ship_line1', sa.String(length=255), nullable=True),
    sa.Column('ship_line2', sa.String(length=255), nullable=True),
    sa.Column('ship_city', sa.String(length=128), nullable=True),
    sa.Column('ship_region', sa.String(length=64), nullable=True),
    sa.Column('ship_postal_code', sa.String(length=32), nullable=True),
    sa.Column('ship_country', sa.String(length=2), nullable=True),
    sa.Column('ship_phone', sa.String(length=64), nullable=True),
    sa.Column('billing_country', sa.String(length=2), nullable=True),
    sa.Column('requested_service', sa.String(length=64), nullable=True),
    sa.Column('carrier', sa.String(length=64), nullable=True),
    sa.Column('service', sa.String(length=64), nullable=True),
    sa.Column('ship_by', sa.Date(), nullable=True),
    sa.Column('customer_po', sa.String(length=64), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('pickup_location_id', sa.Integer(), nullable=True),
    sa.Column('preferred_location_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('risk_level', sa.String(length=16), nullable=True),
    sa.Column('fraud_score', sa.Integer(), nullable=True),
    sa.Column('placed_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_orders_channel_id_channels')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_orders_customer_id_customers')),
    sa.ForeignKeyConstraint(['pickup_location_id'], ['locations.id'], name=op.f('fk_orders_pickup_location_id_locations')),
    sa.ForeignKeyConstraint(['preferred_location_id'], ['locations.id'], name=op.f('fk_orders_preferred_location_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('channel_id', 'external_id', name=op.f('uq_orders_channel_id_external_id'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_number'), ['number'], unique=False)
        batch_op.create_index('ix_orders_placed', ['placed_at', 'id'], unique=False)
        batch_op.create_index('ix_orders_ship_by', ['ship_by', 'id'], unique=False)
        batch_op.create_index('ix_orders_status_placed', ['status', 'placed_at', 'id'], unique=False)
        batch_op.create_index('ix_orders_status_ship_by', ['status', 'ship_by', 'id'], unique=False)

    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('price', oms_desktop.model.base.Money(precision=18, scale=4), nullable=True),
    sa.Column('weight_g', sa.Integer(), nullable=False),
    sa.Column('length_mm', sa.Integer(), nullable=False),
    sa.Column('width_mm', sa.Integer(), nullable=False),
    sa.Column('height_mm', sa.Integer(), nullable=False),
    sa.Column('is_kit', sa.Boolean(), nullable=False),
    sa.Column('hazmat', sa.Boolean(), nullable=False),
    sa.Column('oversize', sa.Boolean(), nullable=False),
    sa.Column('image_path', sa.String(length=512), nullable=True),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['supplier_id'], ['locations.id'], name=op.f('fk_products_supplier_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('sku', name=op.f('uq_products_sku'))
    )
    op.create_table('sync_cursors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('stream', sa.String(length=32), nullable=False),
    sa.Column('cursor', sa.Text(), nullable=True),
    sa.Column('updated_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_sync_cursors_channel_id_channels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_cursors')),
    sa.UniqueConstraint('channel_id', 'stream', name=op.f('uq_sync_cursors_channel_id_stream'))
    )
    op.create_table('sync_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('stream', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('fetched', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('started_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('finished_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_sync_runs_channel_id_channels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_runs'))
    )
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_runs_channel_id'), ['channel_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('station', sa.String(length=64), nullable=True),
    sa.Column('source', sa.String(length=128), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_audit_events_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_entity', ['entity', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_order_id'), ['order_id'], unique=False)

    op.create_table('kit_components',
    sa.Column('kit_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['products.id'], name=op.f('fk_kit_components_component_id_products')),
    sa.ForeignKeyConstraint(['kit_id'], ['products.id'], name=op.f('fk_kit_components_kit_id_products')),
    sa.PrimaryKeyConstraint('kit_id', 'component_id', name=op.f('pk_kit_components'))
    )
    op.create_table('order_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('payment_pending', 'address_invalid', 'fraud_review', 'credit_limit', 'out_of_stock', 'duplicate', 'channel_change', 'rule', 'manual', name='holdreason', native_enum=False, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.Column('placed_by', sa.String(length=64), nullable=False),
    sa.Column('placed_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('released_by', sa.String(length=64), nullable=True),
    sa.Column('released_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_holds_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_holds'))
    )
    with op.batch_alter_table('order_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_holds_order_id'), ['order_id'], unique=False)

    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('tax', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('discount', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_order_lines_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_lines_product_id'), ['product_id'], unique=False)

    op.create_table('order_tags',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_tags_order_id_orders')),
    sa.PrimaryKeyConstraint('order_id', 'tag', name=op.f('pk_order_tags'))
    )
    with op.batch_alter_table('order_tags', schema=None) as batch_op:
        batch_op.create_index('ix_order_tags_tag', ['tag', 'order_id'], unique=False)

    op.create_table('product_barcodes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('gtin8', 'gtin12', 'gtin13', 'gtin14', 'other', name='barcodekind', native_enum=False, length=32), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_barcodes_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_barcodes')),
    sa.UniqueConstraint('code', name=op.f('uq_product_barcodes_code'))
    )
    with op.batch_alter_table('product_barcodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_barcodes_product_id'), ['product_id'], unique=False)

    op.create_table('returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rma_number', sa.String(length=32), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('requested', 'authorized', 'received', 'inspected', 'refunded', 'rejected', 'closed', name='returnstatus', native_enum=False, length=32), nullable=False),
    sa.Column('resolution', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('received_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_returns_location_id_locations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_returns_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_returns')),
    sa.UniqueConstraint('rma_number', name=op.f('uq_returns_rma_number'))
    )
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_returns_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_returns_tracking_number'), ['tracking_number'], unique=False)

    op.create_table('shipments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('waiting', 'assigned', 'picking', 'picked', 'packed', 'shipped', 'delivered', 'ready_for_pickup', 'picked_up', 'cancelled', name='shipmentstatus', native_enum=False, length=32), nullable=False),
    sa.Column('carrier', sa.String(length=64), nullable=True),
    sa.Column('service', sa.String(length=64), nullable=True),
    sa.Column('tracking_number', sa.String(length=64), nullable=True),
    sa.Column('shipping_cost', oms_desktop.model.base.Money(precision=18, scale=4), nullable=True),
    sa.Column('pickup_code', sa.String(length=32), nullable=True),
    sa.Column('collected_by', sa.String(length=255), nullable=True),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('packed_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.Column('shipped_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.Column('delivered_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_shipments_location_id_locations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_shipments_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments'))
    )
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipments_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_shipments_status_location', ['status', 'location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipments_tracking_number'), ['tracking_number'], unique=False)

    op.create_table('stock_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('on_hand', sa.Integer(), nullable=False),
    sa.Column('reserved', sa.Integer(), nullable=False),
    sa.CheckConstraint('on_hand >= reserved', name=op.f('ck_stock_levels_available_not_negative')),
    sa.CheckConstraint('reserved >= 0', name=op.f('ck_stock_levels_reserved_not_negative')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_stock_levels_location_id_locations')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_stock_levels_product_id_products')),
    sa.ForeignKeyConstraint(['site_id'], ['locations.id'], name=op.f('fk_stock_levels_site_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_levels')),
    sa.UniqueConstraint('product_id', 'location_id', name=op.f('uq_stock_levels_product_id_location_id'))
    )
    with op.batch_alter_table('stock_levels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_levels_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_levels_site_id'), ['site_id'], unique=False)

    op.create_table('stock_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('from_location_id', sa.Integer(), nullable=False),
    sa.Column('to_location_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('receipt', 'adjustment', 'transfer', 'shipment', 'customer_return', 'cycle_count', 'scrap', 'vendor_return', name='movereason', native_enum=False, length=32), nullable=False),
    sa.Column('reason_code', sa.String(length=64), nullable=True),
    sa.Column('reference', sa.String(length=128), nullable=True),
    sa.Column('at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_moves_quantity_positive')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_stock_moves_actor_id_users')),
    sa.ForeignKeyConstraint(['from_location_id'], ['locations.id'], name=op.f('fk_stock_moves_from_location_id_locations')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_stock_moves_product_id_products')),
    sa.ForeignKeyConstraint(['to_location_id'], ['locations.id'], name=op.f('fk_stock_moves_to_location_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_moves'))
    )
    with op.batch_alter_table('stock_moves', schema=None) as batch_op:
        batch_op.create_index('ix_stock_moves_product_from', ['product_id', 'from_location_id'], unique=False)
        batch_op.create_index('ix_stock_moves_product_to', ['product_id', 'to_location_id'], unique=False)

    op.create_table('sync_errors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.Column('raw_payload', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('retries', sa.Integer(), nullable=False),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('resolved_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_sync_errors_channel_id_channels')),
    sa.ForeignKeyConstraint(['run_id'], ['sync_runs.id'], name=op.f('fk_sync_errors_run_id_sync_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_errors'))
    )
    with op.batch_alter_table('sync_errors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_errors_channel_id'), ['channel_id'], unique=False)

    op.create_table('packages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sscc', sa.String(length=18), nullable=True),
    sa.Column('box_code', sa.String(length=32), nullable=True),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('length_mm', sa.Integer(), nullable=True),
    sa.Column('width_mm', sa.Integer(), nullable=True),
    sa.Column('height_mm', sa.Integer(), nullable=True),
    sa.Column('tracking_number', sa.String(length=64), nullable=True),
    sa.Column('contents', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_packages_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packages')),
    sa.UniqueConstraint('sscc', name=op.f('uq_packages_sscc'))
    )
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packages_shipment_id'), ['shipment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_packages_tracking_number'), ['tracking_number'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending_approval', 'approved', 'issued', 'issued_outside', 'failed', name='refundstatus', native_enum=False, length=32), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('items_amount', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('tax_amount', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('shipping_amount', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('restocking_fee', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('amount', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('approved_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('issued_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refunds_order_id_orders')),
    sa.ForeignKeyConstraint(['return_id'], ['returns.id'], name=op.f('fk_refunds_return_id_returns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_return_id'), ['return_id'], unique=False)

    op.create_table('return_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reason_code', sa.String(length=64), nullable=False),
    sa.Column('sub_reason', sa.String(length=64), nullable=True),
    sa.Column('received_qty', sa.Integer(), nullable=False),
    sa.Column('unexpected', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_return_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_return_lines_product_id_products')),
    sa.ForeignKeyConstraint(['return_id'], ['returns.id'], name=op.f('fk_return_lines_return_id_returns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_lines'))
    )
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_lines_return_id'), ['return_id'], unique=False)

    op.create_table('shipment_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('picked_qty', sa.Integer(), nullable=False),
    sa.Column('packed_qty', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_shipment_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_shipment_lines_product_id_products')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_shipment_lines_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_lines'))
    )
    with op.batch_alter_table('shipment_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_lines_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_lines_shipment_id'), ['shipment_id'], unique=False)

    op.create_table('reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stock_level_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('shipment_line_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=128), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'released', 'consumed', name='reservationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('closed_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_reservations_quantity_positive')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_reservations_location_id_locations')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_reservations_product_id_products')),
    sa.ForeignKeyConstraint(['shipment_line_id'], ['shipment_lines.id'], name=op.f('fk_reservations_shipment_line_id_shipment_lines')),
    sa.ForeignKeyConstraint(['stock_level_id'], ['stock_levels.id'], name=op.f('fk_reservations_stock_level_id_stock_levels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reservations'))
    )
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.create_index('ix_reservations_level_status', ['stock_level_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_reservations_shipment_line_id'), ['shipment_line_id'], unique=False)

    op.create_table('return_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_line_id', sa.Integer(), nullable=False),
    sa.Column('condition', sa.String(length=32), nullable=False),
    sa.Column('disposition', sa.String(length=32), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('stock_move_id', sa.Integer(), nullable=True),
    sa.Column('refund_id', sa.Integer(), nullable=True),
    sa.Column('received_by', sa.String(length=64), nullable=False),
    sa.Column('station', sa.String(length=64), nullable=True),
    sa.Column('received_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_return_units_location_id_locations')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_return_units_refund_id_refunds')),
    sa.ForeignKeyConstraint(['return_line_id'], ['return_lines.id'], name=op.f('fk_return_units_return_line_id_return_lines')),
    sa.ForeignKeyConstraint(['stock_move_id'], ['stock_moves.id'], name=op.f('fk_return_units_stock_move_id_stock_moves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_units'))
    )
    with op.batch_alter_table('return_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_units_return_line_id'), ['return_line_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('return_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_units_return_line_id'))

    op.drop_table('return_units')
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reservations_shipment_line_id'))
        batch_op.drop_index('ix_reservations_level_status')

    op.drop_table('reservations')
    with op.batch_alter_table('shipment_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_lines_shipment_id'))
        batch_op.drop_index(batch_op.f('ix_shipment_lines_order_line_id'))

    op.drop_table('shipment_lines')
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_lines_return_id'))

    op.drop_table('return_lines')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_return_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_order_id'))

    op.drop_table('refunds')
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packages_tracking_number'))
        batch_op.drop_index(batch_op.f('ix_packages_shipment_id'))

    op.drop_table('packages')
    with op.batch_alter_table('sync_errors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_errors_channel_id'))

    op.drop_table('sync_errors')
    with op.batch_alter_table('stock_moves', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_moves_product_to')
        batch_op.drop_index('ix_stock_moves_product_from')

    op.drop_table('stock_moves')
    with op.batch_alter_table('stock_levels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_levels_site_id'))
        batch_op.drop_index(batch_op.f('ix_stock_levels_location_id'))

    op.drop_table('stock_levels')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipments_tracking_number'))
        batch_op.drop_index('ix_shipments_status_location')
        batch_op.drop_index(batch_op.f('ix_shipments_order_id'))

    op.drop_table('shipments')
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_returns_tracking_number'))
        batch_op.drop_index(batch_op.f('ix_returns_order_id'))

    op.drop_table('returns')
    with op.batch_alter_table('product_barcodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_barcodes_product_id'))

    op.drop_table('product_barcodes')
    with op.batch_alter_table('order_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_order_tags_tag')

    op.drop_table('order_tags')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_product_id'))
        batch_op.drop_index(batch_op.f('ix_order_lines_order_id'))

    op.drop_table('order_lines')
    with op.batch_alter_table('order_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_holds_order_id'))

    op.drop_table('order_holds')
    op.drop_table('kit_components')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_order_id'))
        batch_op.drop_index('ix_audit_events_entity')

    op.drop_table('audit_events')
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_runs_channel_id'))

    op.drop_table('sync_runs')
    op.drop_table('sync_cursors')
    op.drop_table('products')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_status_ship_by')
        batch_op.drop_index('ix_orders_status_placed')
        batch_op.drop_index('ix_orders_ship_by')
        batch_op.drop_index('ix_orders_placed')
        batch_op.drop_index(batch_op.f('ix_orders_number'))
        batch_op.drop_index(batch_op.f('ix_orders_customer_id'))

    op.drop_table('orders')
    op.drop_table('channel_locations')
    op.drop_table('users')
    op.drop_table('settings')
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_locations_site_id'))
        batch_op.drop_index(batch_op.f('ix_locations_parent_id'))

    op.drop_table('locations')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_email'))

    op.drop_table('customers')
    op.drop_table('channels')
