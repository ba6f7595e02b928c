"""b2b: business customers' accounts and terms, trading partners, customer prices, purchase
order line details, invoices with their lines and payments, and the EDI documents

Revision ID: b2b_1
Revises: books_1
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "b2b_1"
down_revision = "books_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('b2b_accounts',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('terms', sa.String(length=32), nullable=False),
    sa.Column('price_group', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_b2b_accounts_customer_id_customers')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_b2b_accounts'))
    )
    op.create_index(op.f('ix_b2b_accounts_price_group'), 'b2b_accounts', ['price_group'], unique=False)
    op.create_table('customer_prices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('price_group', sa.String(length=32), nullable=True),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('min_qty', sa.Integer(), nullable=False),
    sa.Column('unit_price', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.CheckConstraint('(customer_id IS NULL) <> (price_group IS NULL)', name=op.f('ck_customer_prices_customer_or_group')),
    sa.CheckConstraint('min_qty >= 1', name=op.f('ck_customer_prices_min_qty_positive')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_prices_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_prices'))
    )
    op.create_index('ix_customer_prices_sku', 'customer_prices', ['sku'], unique=False)
    op.create_table('trading_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('isa_qualifier', sa.String(length=2), nullable=False),
    sa.Column('isa_id', sa.String(length=15), nullable=False),
    sa.Column('gs_id', sa.String(length=15), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_trading_partners_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trading_partners')),
    sa.UniqueConstraint('isa_qualifier', 'isa_id', name=op.f('uq_trading_partners_isa_qualifier_isa_id'))
    )
    op.create_index(op.f('ix_trading_partners_customer_id'), 'trading_partners', ['customer_id'], unique=False)
    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'paid', name='invoicestatus', native_enum=False, length=32), nullable=False),
    sa.Column('terms', sa.String(length=32), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('discount_until', sa.Date(), nullable=True),
    sa.Column('discount_percent', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('subtotal', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('total', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('paid_total', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('discount_taken', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.CheckConstraint('paid_total <= total', name=op.f('ck_invoices_paid_within_total')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_invoices_customer_id_customers')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_invoices_order_id_orders')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_invoices_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('number', name=op.f('uq_invoices_number')),
    sa.UniqueConstraint('shipment_id', name=op.f('uq_invoices_shipment_id'))
    )
    op.create_index(op.f('ix_invoices_customer_id'), 'invoices', ['customer_id'], unique=False)
    op.create_index(op.f('ix_invoices_order_id'), 'invoices', ['order_id'], unique=False)
    op.create_table('purchase_order_lines',
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('po_line', sa.String(length=20), nullable=False),
    sa.Column('buyer_part', sa.String(length=48), nullable=True),
    sa.Column('vendor_part', sa.String(length=48), nullable=True),
    sa.Column('uom', sa.String(length=2), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('price_asked', oms_desktop.model.base.Money(precision=18, scale=4), nullable=True),
    sa.Column('requested_on', sa.Date(), nullable=True),
    sa.Column('po_date', sa.Date(), nullable=True),
    sa.Column('ack', sa.Enum('accepted', 'changed', 'backordered', 'rejected', name='ackstatus', native_enum=False, length=32), nullable=False),
    sa.Column('backordered', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_purchase_order_lines_order_line_id_order_lines')),
    sa.PrimaryKeyConstraint('order_line_id', name=op.f('pk_purchase_order_lines'))
    )
    op.create_table('edi_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.Enum('inbound', 'outbound', name='edidirection', native_enum=False, length=32), nullable=False),
    sa.Column('kind', sa.String(length=3), nullable=False),
    sa.Column('control_number', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('shipment_id', sa.Integer(), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.Column('sent_at', oms_desktop.model.base.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_edi_documents_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_edi_documents_order_id_orders')),
    sa.ForeignKeyConstraint(['partner_id'], ['trading_partners.id'], name=op.f('fk_edi_documents_partner_id_trading_partners')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_edi_documents_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_edi_documents')),
    sa.UniqueConstraint('partner_id', 'direction', 'control_number', name=op.f('uq_edi_documents_partner_id_direction_control_number'))
    )
    op.create_index(op.f('ix_edi_documents_order_id'), 'edi_documents', ['order_id'], unique=False)
    op.create_index('ix_edi_documents_pending', 'edi_documents', ['direction', 'sent_at'], unique=False)
    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('amount', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_invoice_lines_order_line_id_order_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines'))
    )
    op.create_index(op.f('ix_invoice_lines_invoice_id'), 'invoice_lines', ['invoice_id'], unique=False)
    op.create_table('invoice_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('amount', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('discount', oms_desktop.model.base.Money(precision=18, scale=4), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', oms_desktop.model.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_payments_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_payments'))
    )
    op.create_index(op.f('ix_invoice_payments_invoice_id'), 'invoice_payments', ['invoice_id'], unique=False)


def downgrade() -> None:
    op.drop_table("invoice_payments")
    op.drop_table("invoice_lines")
    op.drop_table("edi_documents")
    op.drop_table("purchase_order_lines")
    op.drop_table("invoices")
    op.drop_table("trading_partners")
    op.drop_table("customer_prices")
    op.drop_table("b2b_accounts")
