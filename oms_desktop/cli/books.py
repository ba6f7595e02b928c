"""`books setup|status|post|retry|map|journal|reconcile`: postings to the accounting targets
(QuickBooks Online, Xero), their mappings, a general-ledger journal file and the
reconciliation of what shipped and was refunded against what the books recorded."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from oms_desktop.cli import books_trade
from oms_desktop.cli import books_stock
from oms_desktop.cli.channels import _settings
from oms_desktop.cli.identity import open_acting
from oms_desktop.cli.output import CliFailure, emit, fail, open_db
from oms_desktop.errors import ValidationError
from oms_desktop.model import utcnow
from oms_desktop.services import settings
from oms_desktop.services.books import (
    journal, mappings, outbox, posting, reconcile, status, summaries, targets, trade,
)


def register(commands, common) -> None:
    sub = commands.add_parser("books", help="postings to the books (QuickBooks, Xero), "
                              "journal, reconciliation").add_subparsers(
        dest="books_command", metavar="ACTION", required=True)
    p = sub.add_parser("setup", parents=[common], help="set up a target (secrets: keyring)")
    p.add_argument("target", help="quickbooks, xero, sapb1 or s4hana")
    p.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--mode", choices=outbox.MODES, help="per order, or a daily summary")
    p.set_defaults(handler=_setup)
    p = sub.add_parser("status", parents=[common], help="the postings and their states")
    p.add_argument("target", nargs="?")
    p.add_argument("--state", choices=[s.value for s in status.PostingStatus])
    p.set_defaults(handler=_status)
    p = sub.add_parser("post", parents=[common], help="send what is due to a target")
    p.add_argument("target")
    p.add_argument("--limit", type=int, help="send at most this many")
    p.add_argument("--lease-seconds", type=float, default=posting.LEASE_S,
                   help="how long a claimed posting is this run's (default 300)")
    p.set_defaults(handler=_post)
    p = sub.add_parser("retry", parents=[common], help="send failed and blocked ones again")
    p.add_argument("target")
    p.add_argument("ids", nargs="*", type=int, metavar="ID")
    p.set_defaults(handler=_retry)
    p = sub.add_parser("map", parents=[common], help="map a key to the target's id "
                       "(no key: list the mappings)")
    p.add_argument("target", help="quickbooks, xero or journal")
    p.add_argument("kind", nargs="?", choices=list(mappings.KINDS))
    p.add_argument("key", nargs="?", help="SKU, channel code or business customer, country, "
                   "account role, or vendor (carrier:NAME, channel:CODE)")
    p.add_argument("value", nargs="?", help="the target's id or code")
    p.add_argument("--missing", action="store_true",
                   help="list what the unsent postings need and lack")
    p.set_defaults(handler=_map)
    p = sub.add_parser("journal", parents=[common], help="write a general-ledger journal")
    p.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="default: --from")
    p.add_argument("--per", choices=("day", "month"), default="day")
    p.add_argument("--out", required=True, metavar="FILE.csv|FILE.xlsx")
    p.set_defaults(handler=_journal)
    p = sub.add_parser("reconcile", parents=[common],
                       help="shipped and refunded against what a target recorded")
    p.add_argument("target")
    p.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="default: 30 days ago")
    p.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="default: today")
    p.set_defaults(handler=_reconcile)
    books_trade.add_parser(sub, common)
    books_stock.add_parser(sub, common)


def _day(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _setup(args) -> int:
    db, actor = open_acting(args)
    clean = targets.set_up(db, actor=actor, name=args.target, values=_settings(args.setting))
    if args.mode:
        settings.write(db, actor=actor, key=outbox.MODE_KEY, value=args.mode)
    emit(args, clean, rows=[[k, v] for k, v in clean.items()], headers=["setting", "value"])
    return 0


def _status(args) -> int:
    rows = status.list_postings(open_db(args), target=args.target, status=args.state)
    emit(args, rows, rows=[[p.id, p.target, p.kind, p.number, p.day, p.channel,
                            f"{p.amount} {p.currency}", p.status, p.remote_id or "-",
                            (p.last_error or "")[:80]] for p in rows],
         headers=["id", "target", "kind", "number", "day", "channel", "amount", "state",
                  "target id", "error"])
    return 0


def _post(args) -> int:
    db, actor = open_acting(args)
    summaries.summarise(db, actor=actor)
    trade.queue_carrier_bills(db, actor=actor)
    result = posting.post_pending(db, actor=actor, target=args.target, limit=args.limit,
                                  lease_s=args.lease_seconds)
    emit(args, result, rows=[[result.target, result.posted, result.failed, result.blocked,
                              result.waiting]],
         headers=["target", "posted", "failed", "blocked", "waiting"])
    return 0 if not (result.failed or result.blocked) else 3


def _retry(args) -> int:
    db, actor = open_acting(args)
    count = posting.retry(db, actor=actor, target=args.target, ids=args.ids or None)
    emit(args, {"queued_again": count}, rows=[[count]], headers=["queued again"])
    return 0


def _map(args) -> int:
    if args.missing:
        rows = mappings.unmapped(open_db(args), args.target)
        emit(args, rows, rows=[[m.kind, m.key, m.postings, m.example] for m in rows],
             headers=["kind", "key", "postings waiting", "e.g."])
        return 0 if not rows else 3
    if args.kind is None:
        rows = mappings.list_mappings(open_db(args), args.target)
        emit(args, rows, rows=[[m.target, m.kind, m.key, m.value] for m in rows],
             headers=["target", "kind", "key", "value"])
        return 0
    if not (args.key and args.value):
        raise CliFailure(fail("books map TARGET KIND KEY VALUE (e.g. books map xero tax DE "
                              "OUTPUT2)", code=2))
    db, actor = open_acting(args)
    view = mappings.set_mapping(db, actor=actor, target=args.target, kind=args.kind,
                                key=args.key, value=args.value)
    emit(args, view, rows=[[view.target, view.kind, view.key, view.value]],
         headers=["target", "kind", "key", "value"])
    return 0


def _journal(args) -> int:
    first = _day(args.first, utcnow().date())
    rows = journal.journal(open_db(args), first=first, last=_day(args.last, first),
                           period=args.per)
    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise ValidationError(f"--out must end in .csv or .xlsx, not {out.name!r}")
    (journal.write_xlsx if out.suffix.lower() == ".xlsx" else journal.write_csv)(rows, out)
    emit(args, {"file": str(out), "rows": len(rows)}, rows=[[str(out), len(rows)]],
         headers=["file", "rows"])
    return 0


def _reconcile(args) -> int:
    today = utcnow().date()
    report = reconcile.reconcile(open_db(args), target=args.target,
                                 first=_day(args.first, today - timedelta(days=30)),
                                 last=_day(args.last, today))
    if args.json:
        emit(args, {"target": report.target, "balanced": report.balanced,
                    "rows": report.rows, "trade": report.trade,
                    "differences": report.differences})
    else:
        emit(args, report, rows=[[r.day, r.channel, r.currency, r.shipped, r.posted_sales,
                                  r.refunded, r.posted_refunds, r.difference]
                                 for r in report.rows],
             headers=["day", "channel", "currency", "shipped", "posted", "refunded",
                      "posted", "difference"])
        for r in report.trade:
            print(f"{r.day} {r.kind}s {r.currency}: ours {r.ours}, posted {r.posted}")
        for line in report.differences:
            print(f"difference: {line}")
    return 0 if report.balanced else 3
