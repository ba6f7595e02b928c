"""Representative rows written with plain SQL into a database at an old schema revision, the
way that revision's program left them, and what an upgrade must keep of them.

The tables are reflected from the database itself, so each revision gets the rows its schema
can hold (shipping labels only once the shipping tables exist). Money is written the way the
old program stored it: ten-thousandths in an integer on SQLite, NUMERIC on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

T0 = datetime(2026, 11, 2, 9, 30)
T1 = datetime(2026, 11, 3, 14, 2)
# Two labels stored for one shipment (the double purchase of old) and an order refunded
# above its total (the old per-RMA arithmetic): the upgrade must keep both visible.
ROWS = {
    "locations": [dict(id=1, code="WH1", name="Main warehouse", kind="warehouse", sellable=True,
                       ships_from=True, priority=0, active=True),
                  dict(id=2, code="WH1-A-01", name="Bin A-01", kind="bin", parent_id=1,
                       site_id=1, sellable=True, ships_from=True, priority=0, active=True)],
    "products": [dict(id=1, sku="SKU-1", name="Trail mug", weight_g=350, length_mm=0,
                      width_mm=0, height_mm=0, is_kit=False, hazmat=False, oversize=False,
                      active=True)],
    "channels": [dict(id=1, code="WEB", name="Web shop", kind="manual", settings={},
                      currency="USD", safety_buffer=0, active=True)],
    "orders": [dict(id=1, number="#1001", external_id="ext-1", total="30.00",
                    subtotal="20.00", tax_total="2.00", shipping_total="8.00"),
               dict(id=2, number="#1002", external_id="ext-2", total="10.00",
                    subtotal="10.00", tax_total="0.00", shipping_total="0.00")],
    "order_lines": [dict(id=1, order_id=1, line_no=1, sku="SKU-1", name="Trail mug",
                         quantity=3, unit_price="7.00", tax="2.00", discount="1.00",
                         product_id=1),
                    dict(id=2, order_id=2, line_no=1, sku="SKU-1", name="Trail mug",
                         quantity=1, unit_price="10.00", tax="0.00", discount="0.00",
                         product_id=1)],
    "shipments": [dict(id=1, order_id=1, status="packed", created_at=T0, location_id=1)],
    "shipment_lines": [dict(id=1, shipment_id=1, order_line_id=1, product_id=1, quantity=3,
                            picked_qty=3, packed_qty=3)],
    "packages": [dict(id=1, shipment_id=1, number=1, weight_g=1050)],
    "returns": [dict(id=1, rma_number="RMA-000001", order_id=2, status="refunded",
                     resolution="refund", method="customer_arranged", created_at=T0)],
    "return_lines": [dict(id=1, return_id=1, order_line_id=2, product_id=1, quantity=1,
                          reason_code="defective", received_qty=1, unexpected=False)],
    "return_units": [dict(id=1, return_line_id=1, condition="resellable",
                          disposition="restock", location_id=2, received_by="pat",
                          received_at=T0)],
    "refunds": [dict(id=i, order_id=2, return_id=1, status="issued_outside", currency="USD",
                     items_amount="12.50", tax_amount="0.00", shipping_amount="0.00",
                     restocking_fee="0.00", amount="12.50", kind="refund", created_by="max",
                     created_at=T1) for i in (1, 2)],
    "settings": [dict(key="sequence.manual.tracking", value=7, updated_at=T0)],
    "stock_levels": [dict(id=1, product_id=1, location_id=2, on_hand=4, reserved=0)],
    "stock_moves": [dict(id=1, product_id=1, from_location_id=1, to_location_id=2,
                         quantity=4, reason="receipt", at=T0, actor_name="goods-in")],
    "audit_events": [dict(id=1, at=T0, entity="order", entity_id=1, order_id=1,
                          action="verify", actor_name="system")],
    "shipping_labels": [dict(id=i, shipment_id=1, carrier="manual", service="Courier",
                             tracking_number=f"LC000000000{i}", format="zpl",
                             content=b"^XA^XZ", cost="4.50", currency="USD", ship_day=date(
                                 2026, 11, 3), created_at=T1, created_by="pat")
                        for i in (1, 2)],
}
ORDER_DEFAULTS = dict(channel_id=1, status="in_fulfilment", financial_status="paid",
                      fulfilment_status="unfulfilled", currency="USD", discount_total="0.00",
                      priority=0, placed_at=T0, created_at=T0, updated_at=T0)


def _value(column: sa.Column, value, dialect: str):
    if isinstance(value, str) and isinstance(column.type, (sa.Numeric, sa.BigInteger)):
        return int(Decimal(value) * 10_000) if dialect == "sqlite" else Decimal(value)
    return value


def seed(engine: sa.Engine, *, duplicates: bool = True) -> dict[str, int]:
    """Write ROWS into every table the database has; returns the rows written per table.
    Without `duplicates`, one label only (what a current schema accepts)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    written = {}
    with engine.begin() as conn:
        for name, rows in ROWS.items():
            if name not in meta.tables:
                continue
            table = meta.tables[name]
            rows = rows if duplicates or name != "shipping_labels" else rows[:1]
            extra = ORDER_DEFAULTS if name == "orders" else {}
            conn.execute(table.insert(), [
                {k: _value(table.c[k], v, engine.dialect.name) for k, v in {**extra, **r}.items()}
                for r in rows])
            written[name] = len(rows)
        if engine.dialect.name == "postgresql":
            for name in written:
                if "id" in meta.tables[name].c:
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"
                                         f" (SELECT max(id) FROM {name}))")
    return written
