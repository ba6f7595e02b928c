"""`picklist create (--orders ID… | --wave [--carrier C] [--zone Z] [--limit N])
[--location CODE] [--paper A4|Letter] --out FILE.pdf`, `picklist show ID`,
`picklist exceptions`, `picklist resolve ID --as reallocate|found`."""

from __future__ import annotations

import argparse
from pathlib import Path

from oms_desktop.cli.identity import open_acting
from oms_desktop.cli.output import emit, emit_json, open_db, positive_int
from oms_desktop.errors import NotFound
from oms_desktop.services.floor import picking, short_picks
from oms_desktop.services.floor.pick_documents import PAPERS, pick_list_pdf
from oms_desktop.services.lookup import row_id



def register(commands, common) -> None:
    sub = commands.add_parser("picklist", help="pick lists").add_subparsers(
        dest="picklist_command", metavar="ACTION", required=True)
    p = sub.add_parser("create", parents=[common],
                       help="create a pick list for orders or a wave, and write its PDF")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--orders", nargs="+", metavar="ID",
                       help="order ids, ORD-<id> or order numbers (one: single, more: batch)")
    which.add_argument("--wave", action="store_true",
                       help="the most urgent assigned shipments (priority, ship-by, age)")
    p.add_argument("--carrier", help="wave: only this carrier")
    p.add_argument("--zone", metavar="CODE", help="wave: only stock reserved in this zone")
    p.add_argument("--limit", type=positive_int, default=50, help="wave: at most N shipments (50)")
    p.add_argument("--location", metavar="CODE", help="only shipments from this site")
    p.add_argument("--paper", choices=sorted(PAPERS), default="A4")
    p.add_argument("--out", metavar="FILE.pdf", required=True, type=Path)
    p.set_defaults(handler=_create)
    p = sub.add_parser("show", parents=[common], help="one pick list with its lines")
    p.add_argument("id", metavar="ID", help="the list id or PL-<id>")
    p.set_defaults(handler=_show)
    p = sub.add_parser("exceptions", parents=[common], help="open short picks")
    p.set_defaults(handler=_exceptions)
    p = sub.add_parser("resolve", parents=[common],
                       help="re-allocate a short pick (reroute or backorder) or mark it found")
    p.add_argument("id", metavar="ID", type=row_id_arg)
    p.add_argument("--as", dest="resolution", choices=short_picks.RESOLUTIONS, required=True)
    p.set_defaults(handler=_resolve)


def _create(args) -> int:
    db, actor = open_acting(args)
    if args.wave:
        view = picking.create_wave(db, actor=actor, carrier=args.carrier, zone=args.zone,
                                   location=args.location, limit=args.limit)
    else:
        view = picking.create_for_orders(db, actor=actor, orders=args.orders,
                                         location=args.location)
    args.out.write_bytes(pick_list_pdf(view, args.paper))
    result = {"id": view.id, "label": view.label, "kind": view.kind, "orders": len(view.slots),
              "lines": len(view.lines), "units": sum(l.quantity for l in view.lines),
              "pdf": str(args.out)}
    emit(args, result, rows=[[result[k] for k in ("label", "kind", "orders", "lines", "units",
                                                  "pdf")]],
         headers=["list", "kind", "orders", "lines", "units", "pdf"])
    return 0


def row_id_arg(text: str) -> int:
    number = row_id(text)
    if number is None:
        raise argparse.ArgumentTypeError(f"not an id: {text!r}")
    return number


def _show(args) -> int:
    number = row_id(args.id, "PL-")
    if number is None:
        raise NotFound(f"No pick list {args.id}")
    view = picking.get_pick_list(open_db(args), number)
    if args.json:
        emit_json(view)
        return 0
    print(f"{view.label} ({view.kind}, {view.status}) by {view.created_by}: "
          f"{len(view.slots)} orders")
    for slot in view.slots:
        print(f"  slot {slot.slot:>3}: {slot.order_number} (SHP-{slot.shipment_id})")
    for line in view.lines:
        slots = "  ".join(f"{s}×{q}" for s, q in line.slots)
        print(f"  {line.seq:>3}. {line.bin:<14} {line.quantity:>4} x {line.sku:<16} "
              f"picked {line.picked:<4} {line.status:<7} {slots}")
    return 0


def _exceptions(args) -> int:
    rows = short_picks.exceptions(open_db(args))
    emit(args, rows, rows=[[r.id, r.pick_list, f"SHP-{r.shipment_id}", r.sku, r.bin,
                            r.quantity, r.reason, r.reported_by] for r in rows],
         headers=["id", "list", "shipment", "sku", "bin", "qty", "reason", "by"])
    return 0


def _resolve(args) -> int:
    db, actor = open_acting(args)
    status = short_picks.resolve(db, actor=actor, short_pick_id=args.id,
                                 resolution=args.resolution)
    emit(args, {"id": args.id, "status": status}, rows=[[args.id, status]],
         headers=["short pick", "status"])
    return 0
