"""`books fee CHANNEL AMOUNT --day D --reference R`: a fee the channel charged us (a line of
its payout statement), kept once and posted as a bill from the channel to the fee account.
No connector reports fees yet: they are typed in from the statement."""

from __future__ import annotations

from datetime import date

from oms_desktop.cli.identity import open_acting
from oms_desktop.cli.output import emit
from oms_desktop.errors import ValidationError
from oms_desktop.services.books import trade


def add_parser(sub, common) -> None:
    p = sub.add_parser("fee", parents=[common],
                       help="record a channel's fee (posted as a bill from the channel)")
    p.add_argument("channel", help="channel code")
    p.add_argument("amount", help="e.g. 3.15")
    p.add_argument("--day", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--reference", required=True, help="the statement's id (kept once)")
    p.add_argument("--what", default="channel fees", help="e.g. 'referral fees'")
    p.add_argument("--currency", help="default: the channel's")
    p.set_defaults(handler=_fee)


def _fee(args) -> int:
    try:
        day = date.fromisoformat(args.day)
    except ValueError:
        raise ValidationError(f"{args.day!r} is not a date (YYYY-MM-DD)") from None
    db, actor = open_acting(args)
    fee = trade.add_fee(db, actor=actor, channel=args.channel, amount=args.amount, day=day,
                        reference=args.reference, what=args.what, currency=args.currency)
    emit(args, fee, rows=[[fee.id, fee.channel, fee.day, f"{fee.amount} {fee.currency}",
                           fee.what, fee.reference]],
         headers=["id", "channel", "day", "amount", "what", "reference"])
    return 0
