"""`freight terms|stages|release|pallet|packing-list|label|book|bol`: staged deliveries,
pallets and freight headless."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from oms_desktop.cli.identity import open_acting
from oms_desktop.cli.output import emit, open_db
from oms_desktop.errors import ValidationError
from oms_desktop.services.b2b import deliveries


def register(commands, common) -> None:
    sub = commands.add_parser("freight", help="staged deliveries, pallets, freight") \
        .add_subparsers(dest="freight_command", metavar="ACTION", required=True)
    p = sub.add_parser("terms", parents=[common], help="a customer's delivery terms")
    p.add_argument("customer")
    partial = p.add_mutually_exclusive_group()
    partial.add_argument("--partial", dest="partial", action="store_true", default=None,
                         help="partial deliveries allowed")
    partial.add_argument("--no-partial", dest="partial", action="store_false",
                         help="complete deliveries only")
    p.add_argument("--backorders", choices=("ship", "cancel"),
                   help="what is short: shipped when stock arrives, or cancelled")
    p.set_defaults(handler=_terms)
    p = sub.add_parser("stages", parents=[common], help="delivery stages")
    p.add_argument("order", nargs="?", help="one order (number, PO number or id)")
    p.add_argument("--status", choices=("planned", "released"))
    p.set_defaults(handler=_stages)
    p = sub.add_parser("release", parents=[common],
                       help="release the delivery stages due (freight.release_days_ahead)")
    p.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="as of (default today)")
    p.set_defaults(handler=_release)
    from oms_desktop.cli import freight_pallets
    freight_pallets.register(sub, common)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _terms(args) -> int:
    db, actor = open_acting(args)
    v = deliveries.set_terms(db, actor=actor, customer=args.customer,
                             partial_allowed=args.partial, backorders=args.backorders)
    emit(args, v, rows=[[v.customer, "yes" if v.partial_allowed else "no", v.backorders]],
         headers=["customer", "partial deliveries", "backorders"])
    return 0


def _stage_rows(views) -> list[list]:
    return [[v.order_number, v.number, v.due_on, v.release_on, v.status,
             " ".join(f"{sku}x{qty}" for sku, qty in v.lines.items()),
             " ".join(f"{label}({status})" for label, status in v.shipments)] for v in views]


HEADERS = ["order", "stage", "due", "released from", "status", "lines", "shipments"]


def _stages(args) -> int:
    views = deliveries.list_stages(open_db(args), order=args.order, status=args.status)
    emit(args, views, rows=_stage_rows(views), headers=HEADERS)
    return 0


def _release(args) -> int:
    db, actor = open_acting(args)
    got = deliveries.release_due(db, actor=actor, today=args.date)
    emit(args, got, rows=_stage_rows(got.stages), headers=HEADERS)
    return 0 if not any(not r.ok for r in got.results) else 2
