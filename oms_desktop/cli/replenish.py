"""`replenish suggest [--location CODE]`, `replenish list`, `replenish accept|dismiss|receive
RPL-N`, `replenish point SKU CODE --at N --max N`."""

from __future__ import annotations

from oms_desktop.cli.identity import open_acting
from oms_desktop.cli.output import emit, open_db
from oms_desktop.services.automation import replenishment

HEADERS = ["ref", "kind", "status", "sku", "to", "from", "qty", "why"]


def register(commands, common) -> None:
    sub = commands.add_parser("replenish", help="restock suggestions").add_subparsers(
        dest="replenish_command", metavar="ACTION", required=True)
    p = sub.add_parser("suggest", parents=[common],
                       help="check reorder points now and list the open suggestions")
    p.add_argument("--location", metavar="CODE", help="one site only")
    p.set_defaults(handler=_suggest)
    p = sub.add_parser("list", parents=[common], help="list suggestions")
    p.add_argument("--status", default="open",
                   choices=["open", "accepted", "dismissed", "received"])
    p.add_argument("--location", metavar="CODE")
    p.set_defaults(handler=_list)
    for verb, text in (("accept", "accept (a transfer leaves for TRANSIT now)"),
                       ("dismiss", "dismiss"), ("receive", "goods in for an accepted one")):
        p = sub.add_parser(verb, parents=[common], help=text)
        p.add_argument("suggestion", metavar="RPL-N")
        if verb == "receive":
            p.add_argument("--location", metavar="CODE", help="a bin of the destination site")
        p.set_defaults(handler=_decide, verb=verb)
    p = sub.add_parser("point", parents=[common], help="set a reorder point and max")
    p.add_argument("sku")
    p.add_argument("location", metavar="CODE")
    p.add_argument("--at", type=int, required=True, help="reorder point (min)")
    p.add_argument("--max", type=int, required=True, help="fill up to")
    p.set_defaults(handler=_point)


def _show(args, found) -> None:
    found = found if isinstance(found, list) else [found]
    emit(args, found, rows=[[s.reference, s.kind, s.status, s.sku, s.location, s.source or "",
                             s.quantity, s.reason or ""] for s in found], headers=HEADERS)


def _suggest(args) -> int:
    db, actor = open_acting(args)
    _show(args, replenishment.suggest(db, actor=actor, location=args.location))
    return 0


def _list(args) -> int:
    _show(args, replenishment.suggestions(open_db(args), status=args.status,
                                          location=args.location))
    return 0


def _decide(args) -> int:
    db, actor = open_acting(args)
    if args.verb == "receive":
        found = replenishment.receive(db, actor=actor, suggestion=args.suggestion,
                                      location=args.location)
    else:
        found = getattr(replenishment, args.verb)(db, actor=actor, suggestion=args.suggestion)
    _show(args, found)
    return 0


def _point(args) -> int:
    db, actor = open_acting(args)
    view = replenishment.set_point(db, actor=actor, sku=args.sku,
                                   location=args.location, reorder_point=args.at,
                                   max_qty=args.max)
    emit(args, view, rows=[[view.sku, view.location, view.reorder_point, view.max_qty]],
         headers=["sku", "location", "reorder point", "max"])
    return 0
