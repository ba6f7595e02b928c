"""`catalogue sync CHANNEL [--full]`: products new or changed in the store since the last
catalogue sync; `catalogue review [--done SKU …]`: the products made from order lines that
someone should check (weight, size, barcode), and clearing them once checked."""

from __future__ import annotations

from oms_desktop.cli.identity import open_acting, open_reading
from oms_desktop.cli.output import emit, fail
from oms_desktop.services.channels import catalogue


def register(commands, common) -> None:
    sub = commands.add_parser("catalogue", help="the catalogue from stores, and its review") \
        .add_subparsers(dest="catalogue_command", metavar="ACTION", required=True)
    p = sub.add_parser("sync", parents=[common], help="products from a connected store")
    p.add_argument("channel", help="the channel's code")
    p.add_argument("--full", action="store_true", help="the whole catalogue, not just changes")
    p.set_defaults(handler=_sync)
    p = sub.add_parser("review", parents=[common],
                       help="products made from orders, to check (--done SKU to clear)")
    p.add_argument("--done", nargs="+", metavar="SKU", help="these were checked")
    p.set_defaults(handler=_review)


def _sync(args) -> int:
    db, actor = open_acting(args)
    r = catalogue.sync_catalogue(db, actor=actor, code=args.channel, full=args.full)
    emit(args, r, rows=[[r.channel, r.status, r.fetched, r.created, r.updated, r.unchanged,
                         r.failed]],
         headers=["channel", "status", "fetched", "created", "updated", "unchanged", "failed"])
    if r.status == "failed":
        return fail(r.error or "the catalogue sync failed")
    if r.status == "unsupported":
        return fail(f"channel {r.channel} does not share its catalogue")
    if r.failed:
        return fail(f"{r.failed} products not taken: {'; '.join(r.reasons[:3])}")
    return 0


def _review(args) -> int:
    if args.done:
        db, actor = open_acting(args)
        done = catalogue.mark_reviewed(db, actor=actor, skus=args.done)
        emit(args, done, rows=[[s, "checked"] for s in done], headers=["sku", ""])
        return 0
    db, _ = open_reading(args)
    items = catalogue.to_review(db)
    emit(args, items, rows=[[i.sku, i.name, i.weight_g, " ".join(i.barcodes), i.note or ""]
                            for i in items],
         headers=["sku", "name", "weight g", "barcodes", "why"])
    return 0
