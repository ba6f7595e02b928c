"""`notifications send-pending`, `notifications list [--status S]`."""

from __future__ import annotations

from oms_desktop.cli.output import emit, open_db
from oms_desktop.services import notifications


def register(commands, common) -> None:
    sub = commands.add_parser("notifications", help="customer e-mails").add_subparsers(
        dest="notifications_command", metavar="ACTION", required=True)
    sub.add_parser("send-pending", parents=[common],
                   help="send the e-mails that are due (failures are retried later)") \
        .set_defaults(handler=_send)
    p = sub.add_parser("list", parents=[common], help="the outbox, newest first")
    p.add_argument("--status", choices=["pending", "sent", "failed"])
    p.add_argument("--limit", type=int, default=100)
    p.set_defaults(handler=_list)


def _send(args) -> int:
    report = notifications.send_pending(open_db(args))
    emit(args, report, rows=[[report.sent, report.retrying, report.failed]],
         headers=["sent", "to retry", "failed"])
    return 0


def _list(args) -> int:
    found = notifications.outbox(open_db(args), status=args.status, limit=args.limit)
    emit(args, found, rows=[[m.id, m.kind, m.recipient, m.language, m.status, m.attempts,
                             m.next_attempt_at if m.status == "pending" else m.sent_at,
                             m.last_error or ""] for m in found],
         headers=["id", "kind", "to", "lang", "status", "tries", "next/sent", "last error"])
    return 0
