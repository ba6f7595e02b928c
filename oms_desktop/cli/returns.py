"""`returns create|receive|refund|list|stats`."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from oms_desktop.cli.identity import open_acting, open_reading
from oms_desktop.cli.output import emit, emit_json, open_db
from oms_desktop.errors import ValidationError
from oms_desktop.services.returns import intake as return_intake
from oms_desktop.services.returns import labels as return_labels
from oms_desktop.services.returns import refunds
from oms_desktop.services.returns import rmas as returns
from oms_desktop.services.returns import stats as return_stats


def register(commands, common) -> None:
    sub = commands.add_parser("returns", help="returns and refunds").add_subparsers(
        dest="returns_command", metavar="ACTION", required=True)
    p = sub.add_parser("create", parents=[common], help="authorise a return (RMA)")
    p.add_argument("order", metavar="ORDER")
    p.add_argument("--line", action="append", required=True, metavar="SKU:QTY:REASON")
    p.add_argument("--resolution", choices=returns.RESOLUTIONS, default="refund")
    p.add_argument("--slip-out", metavar="FILE.pdf", help="write the RMA slip PDF")
    p.add_argument("--label-out", metavar="FILE",
                   help="buy a prepaid return label and write it (PDF, or ZPL for *.zpl)")
    p.set_defaults(handler=_create)
    p = sub.add_parser("receive", parents=[common], help="receive and grade returned units")
    p.add_argument("rma", metavar="RMA")
    p.add_argument("--unit", action="append", required=True,
                   metavar="SKU:CONDITION:DISPOSITION")
    p.add_argument("--location", metavar="CODE", help="where the units are received")
    p.set_defaults(handler=_receive)
    p = sub.add_parser("refund", parents=[common], help="refund what was received")
    p.add_argument("rma", metavar="RMA")
    p.add_argument("--outside", action="store_true",
                   help="paid back outside the program (till, channel admin)")
    p.set_defaults(handler=_refund)
    p = sub.add_parser("list", parents=[common], help="list RMAs")
    p.add_argument("--status")
    p.set_defaults(handler=_list)
    p = sub.add_parser("stats", parents=[common], help="return rates and reasons")
    p.add_argument("--since", metavar="YYYY-MM-DD")
    p.add_argument("--csv", metavar="FILE", help="also write the figures as CSV")
    p.add_argument("--brand", metavar="CODE", help="only this brand's sites and channels")
    p.add_argument("--site", metavar="CODE", help="only this site")
    p.set_defaults(handler=_stats)


def _split(text: str, parts: int, what: str) -> list[str]:
    values = text.split(":")
    if len(values) != parts or not all(values):
        raise ValidationError(f"{text!r} is not {what}")
    return values


def _create(args) -> int:
    lines = []
    for text in args.line:
        sku, qty, reason = _split(text, 3, "SKU:QTY:REASON")
        if not qty.isdigit():
            raise ValidationError(f"{text!r}: the quantity must be a whole number")
        lines.append(returns.RequestedLine(sku, int(qty), reason))
    db, actor = open_acting(args)
    rma = returns.create_rma(db, actor=actor, order=args.order, lines=lines,
                             resolution=args.resolution)
    if args.slip_out:
        Path(args.slip_out).write_bytes(returns.slip_pdf(db, rma))
    if args.label_out:
        fmt = "zpl" if args.label_out.lower().endswith(".zpl") else "pdf"
        label = return_labels.buy_return_label(db, actor=actor, rma=rma.rma_number, fmt=fmt)
        Path(args.label_out).write_bytes(label.content)
        rma = returns.find_rma(db, rma.rma_number)
    _show(args, rma)
    return 0


def _receive(args) -> int:
    db, actor = open_acting(args)
    rma = returns.find_rma(db, args.rma, actor=actor)
    for text in args.unit:
        sku, condition, disposition = _split(text, 3, "SKU:CONDITION:DISPOSITION")
        rma = return_intake.receive_unit(
            db, actor=actor, rma=args.rma, code=sku, condition=condition,
            disposition=disposition, location=args.location,
            seen=sum(line.received for line in rma.lines)).rma
    _show(args, return_intake.finish_intake(db, actor=actor, rma=args.rma))
    return 0


def _refund(args) -> int:
    db, actor = open_acting(args)
    rma = returns.find_rma(db, args.rma, actor=actor)
    if rma.resolution == "exchange":
        emit_json(refunds.exchange(db, actor=actor, rma=args.rma))
        return 0
    result = refunds.issue_refund(db, actor=actor, rma=args.rma, outside=args.outside)
    emit(args, result, rows=[[result.rma_number, result.status, result.kind,
                              f"{result.amount} {result.currency}",
                              f"{result.restocking_fee}"]],
         headers=["rma", "status", "kind", "amount", "restocking fee"])
    return 0


def _list(args) -> int:
    db, actor = open_reading(args)
    rows = returns.list_returns(db, status=args.status, actor=actor)
    emit(args, rows, rows=[[r.rma_number, r.order_number, r.status, r.resolution,
                            sum(l.quantity for l in r.lines),
                            sum(l.received for l in r.lines)] for r in rows],
         headers=["rma", "order", "status", "resolution", "units", "received"])
    return 0


def _stats(args) -> int:
    since = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since).replace(tzinfo=timezone.utc)
        except ValueError:
            raise ValidationError(f"--since {args.since!r} is not a date (YYYY-MM-DD)") from None
    db, actor = open_reading(args)
    result = return_stats.stats(db, since=since, actor=actor, brand=args.brand, site=args.site)
    if args.csv:
        return_stats.export_csv(result, args.csv)
    emit(args, result, rows=[[r.key, r.shipped, r.returned, f"{r.rate:.1%}"]
                             for r in result.by_sku[:30]],
         headers=["sku", "shipped", "returned", "rate"])
    return 0


def _show(args, rma) -> None:
    emit(args, rma, rows=[[rma.rma_number, rma.order_number, rma.status, l.sku, l.quantity,
                           l.received, l.reason] for l in rma.lines],
         headers=["rma", "order", "status", "sku", "qty", "received", "reason"])
