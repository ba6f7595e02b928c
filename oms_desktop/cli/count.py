"""`count start BIN…`, `count list`, `count show COUNT-N`, `count set COUNT-N BIN SKU QTY`,
`count approve COUNT-N`, `count cancel COUNT-N`: cycle counts headless (a handheld's export,
a script)."""

from __future__ import annotations

from oms_desktop.cli.identity import open_acting, open_reading
from oms_desktop.cli.output import emit
from oms_desktop.errors import ValidationError
from oms_desktop.services.inventory import counting
from oms_desktop.services.lookup import row_id

LINE_HEADERS = ["bin", "sku", "expected", "counted", "variance", "posted"]


def register(commands, common) -> None:
    sub = commands.add_parser("count", help="cycle counts").add_subparsers(
        dest="count_command", metavar="ACTION", required=True)
    p = sub.add_parser("start", parents=[common], help="open a count over bins or zones")
    p.add_argument("bins", nargs="+", metavar="BIN")
    p.set_defaults(handler=_start)
    sub.add_parser("list", parents=[common], help="open counts").set_defaults(handler=_list)
    for verb, text in (("show", "lines and variances"), ("approve", "post the differences"),
                       ("cancel", "drop the count, posting nothing")):
        p = sub.add_parser(verb, parents=[common], help=text)
        p.add_argument("count", metavar="COUNT-N")
        p.set_defaults(handler=_one, verb=verb)
    p = sub.add_parser("set", parents=[common], help="the quantity found of a SKU in a bin")
    p.add_argument("count", metavar="COUNT-N")
    p.add_argument("bin")
    p.add_argument("sku", help="SKU or barcode")
    p.add_argument("quantity", type=int)
    p.set_defaults(handler=_set)


def count_id(text: str) -> int:
    number = row_id(text, "COUNT-")
    if number is None:
        raise ValidationError(f"Not a count: {text!r} (COUNT-N or N)")
    return number


def _show(args, view: counting.CountView) -> None:
    if not args.json:
        print(f"{view.label}  {view.status}  bins not counted: "
              f"{', '.join(view.uncounted_bins) or 'none'}")
    emit(args, view, rows=[[ln.bin, ln.sku, ln.expected, ln.counted, ln.variance, ln.posted]
                           for ln in view.lines], headers=LINE_HEADERS)


def _start(args) -> int:
    db, actor = open_acting(args)
    _show(args, counting.start_count(db, actor=actor, bins=args.bins))
    return 0


def _list(args) -> int:
    db, actor = open_reading(args)
    views = counting.open_counts(db, actor=actor)
    emit(args, views, rows=[[v.label, len(v.bins), len(v.uncounted_bins), v.created_by]
                            for v in views], headers=["count", "bins", "not counted", "by"])
    return 0


def _one(args) -> int:
    verb = {"show": counting.count_view, "approve": counting.approve,
            "cancel": counting.cancel}[args.verb]
    db, actor = open_reading(args) if args.verb == "show" else open_acting(args)
    _show(args, verb(db, actor=actor, count_id=count_id(args.count)))
    return 0


def _set(args) -> int:
    db, actor = open_acting(args)
    counting.set_counted(db, actor=actor, count_id=count_id(args.count), bin=args.bin,
                         code=args.sku, quantity=args.quantity)
    _show(args, counting.count_view(db, actor=actor, count_id=count_id(args.count)))
    return 0
