"""Who may read and write each table when every person connects with their own PostgreSQL
login (a member of one of the groups oms_packer < oms_supervisor < oms_manager < oms_admin,
each a member of the one before, so a higher group has everything a lower one has).

Writes are denied unless declared. A new table is one line in TABLES; a test fails for a
model table that has none. `rows` restricts what a lower role may write (a restrictive
row-level policy, checked in the database whatever the program says); `sites` names the
rows a login limited to some sites (table `user_sites`) may see and write at all."""

from __future__ import annotations

from dataclasses import dataclass

from oms_desktop.values import Role

P, S, M, A = Role.packer, Role.supervisor, Role.manager, Role.admin
SEEN = "= ANY ((SELECT oms_sites())::integer[])"  # `{seen}` in a `sites` predicate
VIRTUAL_KINDS = "('supplier', 'customer', 'transit', 'inventory')"


@dataclass(frozen=True)
class TableAccess:
    write: Role | None = None  # the least role that inserts, updates and deletes
    read: Role = P
    append_only: bool = False  # rows are inserted, never updated or deleted (a ledger)
    hidden: tuple[str, ...] = ()  # columns no person's login reads
    update_needs: tuple[tuple[str, Role], ...] = ()  # columns only a higher role updates
    own_row: tuple[str, ...] = ()  # columns every person updates in their own row (users)
    rows: str | None = None  # SQL every row written must satisfy (may use oms_at_least)
    sites: str | None = None  # SQL: the row belongs to a site the login sees ({seen})


def _via(parent: str, key: str) -> str:
    return f"EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {key})"


ORDER_SITES = ("channel_id IN (SELECT channel_id FROM channel_locations "
               "WHERE location_id {seen}) OR pickup_location_id {seen} "
               "OR preferred_location_id {seen} "
               # a person limited to a brand: the orders of the brand's channels too
               "OR channel_id IN (SELECT c.id FROM channels c JOIN brands b ON b.id = c.brand_id "
               "WHERE b.location_id {seen})")
# the transit locations of the transfers to or from the sites a login sees (both sides
# write the stock in transit between them)
TRANSIT = ("IN (SELECT t.transit_location_id FROM stock_transfers t "
           "WHERE t.from_site_id {seen} OR t.to_site_id {seen})")

TABLES: dict[str, TableAccess] = {
    "alembic_version": TableAccess(),
    # who did what: appended by everyone, the person stamped by the database
    "audit_events": TableAccess(write=P, append_only=True),
    "scan_events": TableAccess(write=P),
    # people
    "users": TableAccess(write=A, hidden=("password_hash",),
                         own_row=("failed_attempts", "locked_until", "password_hash")),
    "user_sites": TableAccess(write=A),
    "settings": TableAccess(write=P),  # rows: policies.permissions.SETTING_ROLES (grants.py)
    # orders
    "orders": TableAccess(write=P, rows="oms_at_least('manager') OR status <> 'cancelled'",
                          update_needs=(("refunded_total", S),), sites=ORDER_SITES),
    "order_lines": TableAccess(write=P, sites=_via("orders", "order_id")),
    "order_holds": TableAccess(write=P),
    "order_tags": TableAccess(write=P),
    "order_words": TableAccess(write=P, sites=_via("orders", "order_id")),  # search index
    "customers": TableAccess(write=S),
    # catalogue and places
    "products": TableAccess(write=S, update_needs=(("price", M),)),
    "product_barcodes": TableAccess(write=S),
    "kit_components": TableAccess(write=M),
    "locations": TableAccess(write=P, rows=f"oms_at_least('manager') OR kind IN {VIRTUAL_KINDS}"),
    # stock: a packer receives and moves, only a supervisor adjusts or posts counts
    "stock_levels": TableAccess(write=P, sites="site_id {seen} OR location_id " + TRANSIT),
    "stock_moves": TableAccess(
        write=P, append_only=True,
        rows="oms_at_least('supervisor') OR reason NOT IN ('adjustment', 'cycle_count')",
        sites="EXISTS (SELECT 1 FROM locations l WHERE l.id IN (from_location_id, "
              "to_location_id) AND l.site_id {seen}) OR from_location_id " + TRANSIT
              + " OR to_location_id " + TRANSIT),
    "reservations": TableAccess(write=P, sites=_via("stock_levels", "stock_level_id")),
    "cycle_counts": TableAccess(write=P),
    "cycle_count_bins": TableAccess(write=P),
    "cycle_count_lines": TableAccess(write=P),
    "reorder_points": TableAccess(write=S),
    "replenishment_suggestions": TableAccess(write=P),
    # the floor
    "pick_lists": TableAccess(write=P),
    "pick_list_lines": TableAccess(write=P),
    "pick_list_slots": TableAccess(write=P),
    "pick_list_items": TableAccess(write=P),
    "short_picks": TableAccess(write=P),
    # shipping
    "shipments": TableAccess(write=P, sites="location_id {seen} OR location_id IS NULL AND "
                                            + _via("orders", "order_id")),
    "shipment_lines": TableAccess(write=P),
    "packages": TableAccess(write=P),
    "shipping_labels": TableAccess(write=P),
    "label_purchases": TableAccess(write=P),  # a packer's F4 buys the label
    "tracking_events": TableAccess(write=P),
    "print_jobs": TableAccess(write=P),
    "manifests": TableAccess(write=S),
    # returns: a packer receives, a supervisor refunds (a manager above the limit)
    "returns": TableAccess(write=P, sites="location_id {seen} OR " + _via("orders", "order_id")),
    "return_lines": TableAccess(write=P, sites=_via("returns", "return_id")),
    "return_units": TableAccess(write=P),
    "refunds": TableAccess(write=S, sites=_via("orders", "order_id")),
    # channels, sync and the outboxes
    "channels": TableAccess(write=M),
    "channel_locations": TableAccess(write=M),
    "channel_order_states": TableAccess(write=S),
    "channel_sku_levels": TableAccess(write=S),
    "inventory_sync_log": TableAccess(write=S, append_only=True),
    "channel_outbox": TableAccess(write=P),
    "sync_runs": TableAccess(write=S),
    "sync_cursors": TableAccess(write=S),
    "sync_errors": TableAccess(write=S),
    "report_files": TableAccess(write=S),  # report files a sync has read
    # automation
    "automation_rules": TableAccess(write=M),
    "automation_rule_runs": TableAccess(write=P),
    "notification_templates": TableAccess(write=M),
    "notification_outbox": TableAccess(write=P),
    # the books: postings enqueued by whoever ships or refunds, mappings kept by a manager
    "book_postings": TableAccess(write=P),
    "book_mappings": TableAccess(write=M),
    "channel_fees": TableAccess(write=M),  # a channel's fees, entered by a manager
    # business customers: terms and prices set by a manager; invoices issued on shipping
    "b2b_accounts": TableAccess(write=M),
    "trading_partners": TableAccess(write=M),
    "customer_prices": TableAccess(write=M),
    "purchase_order_lines": TableAccess(write=P),
    "invoices": TableAccess(write=P, update_needs=(("paid_total", S), ("discount_taken", S))),
    "invoice_lines": TableAccess(write=P),
    "invoice_payments": TableAccess(write=S, append_only=True),
    "edi_documents": TableAccess(write=P),
    # brands: read by all, kept by a manager (one limited to brands keeps only theirs)
    "brands": TableAccess(write=M, rows="(SELECT oms_all_sites()) OR location_id = ANY "
                                        "((SELECT oms_sites())::integer[])"),
    # transfers between sites: each side sees and confirms the ones it is party to
    "stock_transfers": TableAccess(write=P, sites="from_site_id {seen} OR to_site_id {seen}"),
    "stock_transfer_lines": TableAccess(write=P, sites=_via("stock_transfers", "transfer_id")),
    # staged deliveries and freight: terms by a manager, stages released by whoever
    # allocates, cartons put on pallets at the pack bench, freight booked by a supervisor
    "delivery_terms": TableAccess(write=M),
    "delivery_stages": TableAccess(write=S),
    "delivery_stage_lines": TableAccess(write=S),
    "pallets": TableAccess(write=P),
    "pallet_cartons": TableAccess(write=P),
    "freight_bookings": TableAccess(write=S),
}


def group(role: Role) -> str:
    """The PostgreSQL group of a role."""
    return f"oms_{role.value}"


GROUPS = [group(role) for role in Role]
