"""`stock [--sku SKU] [--location CODE]`."""

from __future__ import annotations

from oms_desktop.cli.identity import open_reading
from oms_desktop.cli.output import emit
from oms_desktop.services.inventory import stock


def register(commands, common) -> None:
    p = commands.add_parser("stock", parents=[common],
                            help="on hand, reserved and available per location")
    p.add_argument("--sku")
    p.add_argument("--location", metavar="CODE")
    p.set_defaults(handler=_stock)


def _stock(args) -> int:
    db, actor = open_reading(args)
    rows = stock.levels(db, sku=args.sku, location=args.location, actor=actor)
    data = [{"sku": r.sku, "location": r.location, "on_hand": r.on_hand,
             "reserved": r.reserved, "available": r.available} for r in rows]
    emit(args, data, rows=[[r.sku, r.location, r.on_hand, r.reserved, r.available]
                           for r in rows],
         headers=["sku", "location", "on_hand", "reserved", "available"])
    return 0
