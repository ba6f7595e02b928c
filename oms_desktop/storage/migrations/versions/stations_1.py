"""stations: a version on every aggregate many stations change, and the constraints that are
the last guard (one active hold per reason, a shipment on one open pick list, one package
number per shipment, one stock move per request)

Revision ID: stations_1
Revises: 0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "stations_1"
down_revision = "0002"
branch_labels = None
depends_on = None

VERSIONED = ("orders", "shipments", "pick_lists", "cycle_counts", "replenishment_suggestions",
             "short_picks", "returns", "shipping_labels")
STACKING = "released_at IS NULL AND reason NOT IN ('rule', 'channel_change')"


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), server_default=sa.text("1"),
                                       nullable=False))
    with op.batch_alter_table("pick_list_slots") as batch:
        batch.add_column(sa.Column("open", sa.Boolean(), server_default=sa.true(),
                                   nullable=False))
    with op.batch_alter_table("stock_moves") as batch:
        batch.add_column(sa.Column("request_id", sa.String(length=64), nullable=True))
    _repair_earlier_races()
    op.create_index("uq_order_holds_active_reason", "order_holds", ["order_id", "reason"],
                    unique=True, sqlite_where=sa.text(STACKING),
                    postgresql_where=sa.text(STACKING))
    op.create_index("uq_pick_list_slots_open_shipment", "pick_list_slots", ["shipment_id"],
                    unique=True, sqlite_where=sa.text("open"), postgresql_where=sa.text("open"))
    op.create_index("uq_packages_shipment_id_number", "packages", ["shipment_id", "number"],
                    unique=True)
    op.create_index("uq_stock_moves_request_id", "stock_moves", ["request_id"], unique=True)


def _repair_earlier_races() -> None:
    """Databases used by several stations before this revision may hold what the new indexes
    refuse: such rows are closed or renumbered, never deleted."""
    op.execute("UPDATE pick_list_slots SET open = false WHERE pick_list_id IN "
               "(SELECT id FROM pick_lists WHERE status IN ('done', 'cancelled'))")
    op.execute("UPDATE pick_list_slots SET open = false WHERE open AND id NOT IN "
               "(SELECT max(id) FROM pick_list_slots WHERE open GROUP BY shipment_id)")
    op.execute(f"UPDATE order_holds SET released_at = placed_at, released_by = 'duplicate' "
               f"WHERE {STACKING} AND id NOT IN (SELECT min(id) FROM order_holds "
               f"WHERE {STACKING} GROUP BY order_id, reason)")
    _renumber_packages()


def _renumber_packages() -> None:
    conn = op.get_bind()
    twice = conn.execute(sa.text(
        "SELECT p.id, p.shipment_id FROM packages p WHERE EXISTS (SELECT 1 FROM packages q "
        "WHERE q.shipment_id = p.shipment_id AND q.number = p.number AND q.id < p.id) "
        "ORDER BY p.id")).all()
    for package_id, shipment_id in twice:
        conn.execute(sa.text(
            "UPDATE packages SET number = (SELECT max(number) + 1 FROM packages "
            "WHERE shipment_id = :shipment) WHERE id = :package"),
            {"shipment": shipment_id, "package": package_id})


def downgrade() -> None:
    for name, table in (("uq_stock_moves_request_id", "stock_moves"),
                        ("uq_packages_shipment_id_number", "packages"),
                        ("uq_pick_list_slots_open_shipment", "pick_list_slots"),
                        ("uq_order_holds_active_reason", "order_holds")):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("stock_moves") as batch:
        batch.drop_column("request_id")
    with op.batch_alter_table("pick_list_slots") as batch:
        batch.drop_column("open")
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
