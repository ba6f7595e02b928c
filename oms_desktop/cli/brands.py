"""`brands add CODE --name TEXT [options]`, `brands list`, `brands set CODE [options]`,
`brands assign-channel CHANNEL BRAND` (or `--none`). Options: --sender, --address,
--address2, --city, --region, --postal-code, --country, --phone, --logo FILE, --email-sender,
--location CODE (the brand's node in the location tree), --return-instructions; `set` also
--template KIND[.LANG] --subject … --text … --html …, --inactive, --active."""

from __future__ import annotations

from oms_desktop.cli.identity import open_acting
from oms_desktop.cli.output import emit, open_db
from oms_desktop.errors import ValidationError
from oms_desktop.services.brands import profiles

OPTIONS = (("--sender", "sender_name", "the name parcels and e-mails come from"),
           ("--address", "address_line1", "street"), ("--address2", "address_line2", None),
           ("--city", "city", None), ("--region", "region", None),
           ("--postal-code", "postal_code", None), ("--country", "country", "two letters"),
           ("--phone", "phone", None), ("--logo", "logo_path", "PNG or JPEG for slips"),
           ("--email-sender", "email_sender", "'Name <address>' of the brand's e-mails"),
           ("--location", "location", "brand location whose sites are the brand's"),
           ("--return-instructions", "return_instructions", "returns text on the slip"))


def register(commands, common) -> None:
    sub = commands.add_parser("brands", help="brands: sender, address, logo, e-mails") \
        .add_subparsers(dest="brands_command", metavar="ACTION", required=True)
    p = sub.add_parser("add", parents=[common], help="add a brand")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--name", required=True)
    _options(p)
    p.set_defaults(handler=_add)
    sub.add_parser("list", parents=[common], help="every brand").set_defaults(handler=_list)
    p = sub.add_parser("set", parents=[common], help="change a brand")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--name")
    _options(p)
    state = p.add_mutually_exclusive_group()
    state.add_argument("--inactive", dest="active", action="store_false", default=None)
    state.add_argument("--active", dest="active", action="store_true")
    p.add_argument("--template", metavar="KIND[.LANG]", help="the brand's own e-mail")
    for name in ("--subject", "--text", "--html"):
        p.add_argument(name)
    p.set_defaults(handler=_set)
    p = sub.add_parser("assign-channel", parents=[common],
                       help="a channel's orders carry this brand")
    p.add_argument("channel", metavar="CHANNEL")
    p.add_argument("brand", metavar="BRAND", nargs="?")
    p.add_argument("--none", action="store_true", help="back to the company's own name")
    p.set_defaults(handler=_assign)


def _options(p) -> None:
    for flag, dest, text in OPTIONS:
        p.add_argument(flag, dest=dest, help=text)


def _values(args) -> dict:
    names = [dest for _, dest, _ in OPTIONS] + ["name"]
    values = {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}
    if getattr(args, "active", None) is not None:
        values["active"] = args.active
    return values


def _add(args) -> int:
    db, actor = open_acting(args)
    values = _values(args)
    name = values.pop("name")
    _show(args, [profiles.add_brand(db, actor=actor, code=args.code, name=name, **values)])
    return 0


def _set(args) -> int:
    db, actor = open_acting(args)
    values = _values(args)
    if not values and not args.template:
        raise ValidationError("nothing to change: give an option such as --sender or --logo")
    view = profiles.update_brand(db, actor=actor, code=args.code, **values) if values else None
    if args.template:
        kind, _, language = args.template.partition(".")
        if not (args.subject and args.text and args.html):
            raise ValidationError("a template needs --subject, --text and --html")
        view = profiles.set_template(db, actor=actor, code=args.code, kind=kind,
                                     language=language or None, subject=args.subject,
                                     body_text=args.text, body_html=args.html)
    _show(args, [view])
    return 0


def _list(args) -> int:
    _show(args, profiles.list_brands(open_db(args)))
    return 0


def _assign(args) -> int:
    if bool(args.brand) == bool(args.none):
        raise ValidationError("give a BRAND, or --none to take the channel's brand away")
    db, actor = open_acting(args)
    view = profiles.assign_channel(db, actor=actor, channel=args.channel, brand=args.brand)
    emit(args, {"channel": args.channel, "brand": view.code if view else None},
         rows=[[args.channel, view.code if view else "(the company's)"]],
         headers=["channel", "brand"])
    return 0


def _show(args, views) -> None:
    emit(args, views, rows=[[v.code, v.name, v.location or "", v.sender_name,
                             ", ".join(v.address[1:]), v.email_sender or "",
                             "yes" if v.logo_path else "", ", ".join(v.channels),
                             ", ".join(v.templates)] for v in views],
         headers=["brand", "name", "sites under", "sender", "address", "e-mail from", "logo",
                  "channels", "templates"])
