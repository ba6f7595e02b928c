"""`notifications send-pending`, `notifications list [--status S]`,
`notifications template KIND [--language L] [--subject S --text-file F --html-file F]`."""

from __future__ import annotations

from pathlib import Path

from oms_desktop.cli.identity import acting, open_acting
from oms_desktop.cli.output import emit, open_db, positive_int
from oms_desktop.errors import ValidationError
from oms_desktop.model import NotificationKind
from oms_desktop.services.automation import notifications



def register(commands, common) -> None:
    sub = commands.add_parser("notifications", help="customer e-mails").add_subparsers(
        dest="notifications_command", metavar="ACTION", required=True)
    sub.add_parser("send-pending", parents=[common],
                   help="send the e-mails that are due (failures are retried later)") \
        .set_defaults(handler=_send)
    p = sub.add_parser("list", parents=[common], help="the outbox, newest first")
    p.add_argument("--status", choices=["pending", "sent", "failed"])
    p.add_argument("--limit", type=positive_int, default=100)
    p.set_defaults(handler=_list)
    p = sub.add_parser("template", parents=[common],
                       help="show a template, or store an edited one (with all three parts)")
    p.add_argument("kind", choices=[k.value for k in NotificationKind])
    p.add_argument("--language", default="en", help="e.g. en, de, fr")
    p.add_argument("--subject")
    p.add_argument("--text-file", type=Path, metavar="FILE", help="plain-text body")
    p.add_argument("--html-file", type=Path, metavar="FILE", help="HTML body")
    p.set_defaults(handler=_template)


def _send(args) -> int:
    db, _person = open_acting(args)  # sending changes the outbox: someone answers for it
    report = notifications.send_pending(db)
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


def _template(args) -> int:
    db = open_db(args)
    parts = (args.subject, args.text_file, args.html_file)
    if any(parts) and not all(parts):
        raise ValidationError("To edit a template give --subject, --text-file and --html-file")
    if all(parts):
        view = notifications.set_template(
            db, actor=acting(args, db), kind=args.kind, language=args.language, subject=args.subject,
            body_text=_read(args.text_file), body_html=_read(args.html_file))
    else:
        view = notifications.get_template(db, kind=args.kind, language=args.language)
    if args.json:
        emit(args, view)
    else:
        print(f"{view.kind} ({view.language}, {'edited' if view.edited else 'default'})")
        print(f"Subject: {view.subject}\n\n{view.body_text}\n{view.body_html}")
    return 0


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}") from None
