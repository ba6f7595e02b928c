"""`transfers propose FROM TO SKU:QTY… [--note TEXT]`, `transfers list [--status S]`,
`transfers show TR-n`, `transfers dispatch TR-n`, `transfers receive TR-n [--location BIN]`,
`transfers cancel TR-n`. The sending site dispatches, the receiving site receives."""

from __future__ import annotations

from oms_desktop.cli.identity import open_acting, open_reading
from oms_desktop.cli.output import emit
from oms_desktop.errors import ValidationError
from oms_desktop.services.inventory import transfers


def register(commands, common) -> None:
    sub = commands.add_parser("transfers", help="stock transfers between sites") \
        .add_subparsers(dest="transfers_command", metavar="ACTION", required=True)
    p = sub.add_parser("propose", parents=[common], help="propose a transfer between sites")
    p.add_argument("from_site", metavar="FROM")
    p.add_argument("to_site", metavar="TO")
    p.add_argument("lines", metavar="SKU:QTY", nargs="+")
    p.add_argument("--note")
    p.set_defaults(handler=_propose)
    p = sub.add_parser("list", parents=[common], help="transfers to or from your sites")
    p.add_argument("--status", choices=[s.value for s in transfers.TransferStatus])
    p.set_defaults(handler=_list)
    for verb, text in (("show", "one transfer and its lines"),
                       ("dispatch", "the sending site sends the units (into transit)"),
                       ("receive", "the receiving site takes the units in"),
                       ("cancel", "call off a transfer not yet dispatched")):
        p = sub.add_parser(verb, parents=[common], help=text)
        p.add_argument("transfer", metavar="TR-n")
        if verb == "receive":
            p.add_argument("--location", metavar="CODE", help="a bin of the receiving site")
        p.set_defaults(handler=_verb, verb=verb)


def _lines(texts: list[str]) -> list[tuple[str, int]]:
    out = []
    for text in texts:
        sku, _, qty = text.rpartition(":")
        if not sku or not qty.isdigit():
            raise ValidationError(f"{text!r}: give each line as SKU:QUANTITY")
        out.append((sku, int(qty)))
    return out


def _propose(args) -> int:
    db, actor = open_acting(args)
    _show(args, [transfers.propose(db, actor=actor, from_site=args.from_site,
                                   to_site=args.to_site, lines=_lines(args.lines),
                                   note=args.note)])
    return 0


def _list(args) -> int:
    db, actor = open_reading(args)
    _show(args, transfers.list_transfers(db, actor=actor, status=args.status))
    return 0


def _verb(args) -> int:
    if args.verb == "show":
        db, actor = open_reading(args)
        _show(args, [transfers.get_transfer(db, actor=actor, transfer=args.transfer)])
        return 0
    db, actor = open_acting(args)
    extra = {"location": args.location} if args.verb == "receive" else {}
    _show(args, [getattr(transfers, args.verb)(db, actor=actor, transfer=args.transfer,
                                               **extra)])
    return 0


def _show(args, views) -> None:
    emit(args, views, rows=[[v.label, v.from_site, v.to_site, v.status,
                             ", ".join(f"{l.sku}:{l.quantity}" for l in v.lines),
                             v.proposed_by, v.dispatched_by or "", v.received_by or ""]
                            for v in views],
         headers=["transfer", "from", "to", "status", "lines", "proposed by",
                  "dispatched by", "received by"])
