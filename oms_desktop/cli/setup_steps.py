"""The set-up wizard's service steps as commands, under `setup`:

    setup carrier NAME [--set KEY=VALUE …] [--key -] [--test-rates]
    setup email --host H --sender ADDR [--port N] [--security starttls|ssl|none]
                [--username LOGIN] [--password -] [--test-to ADDR]
    setup printer label|document --name N --kind zpl_tcp|cups_raw|system [--host H]
                [--port N] [--queue Q] [--paper P] [--dpi N] [--test]
    setup user NAME --role ROLE [--name TEXT]      (the PIN from $OMS_NEW_PIN or asked for)

A secret (an API key, a mail password) is never an argument, where `ps` would show it: `-`
asks for it at the terminal or reads it from standard input."""

from __future__ import annotations

from oms_desktop.cli.identity import open_acting, open_reading
from oms_desktop.cli.output import CliFailure, emit, fail, read_secret

SECURITY = ("starttls", "ssl", "none")


def register(sub, common) -> None:
    """Add the steps to `setup`'s own subcommands (`sub`)."""
    p = sub.add_parser("carrier", parents=[common], help="a carrier account and its API key")
    p.add_argument("name", help="easypost, shippo, manual, …")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="a carrier setting (repeat for more)")
    p.add_argument("--key", metavar="-", help="the API key: - to type it or pipe it in")
    p.add_argument("--test-rates", action="store_true", help="rate a 1 kg test parcel")
    p.set_defaults(handler=_carrier)
    p = sub.add_parser("email", parents=[common], help="the mail server of customer e-mails")
    p.add_argument("--host", required=True)
    p.add_argument("--sender", required=True, metavar="ADDRESS")
    p.add_argument("--port", type=int)
    p.add_argument("--security", choices=SECURITY, default="starttls")
    p.add_argument("--username", metavar="LOGIN")
    p.add_argument("--password", metavar="-", help="- to type it or pipe it in")
    p.add_argument("--test-to", metavar="ADDRESS", help="send a test message there")
    p.set_defaults(handler=_email)
    _printer(sub.add_parser("printer", parents=[common], help="this station's printers"))
    p = sub.add_parser("user", parents=[common], help="a person and their role (users add)")
    p.add_argument("username", metavar="NAME")
    p.add_argument("--role", required=True, choices=["packer", "supervisor", "manager", "admin"])
    p.add_argument("--name", dest="display_name", metavar="TEXT", help="the name shown")
    p.set_defaults(handler=_user)


def _printer(p) -> None:
    p.add_argument("role", choices=["label", "document"])
    p.add_argument("--name", required=True)
    p.add_argument("--kind", required=True, choices=["zpl_tcp", "cups_raw", "system"])
    p.add_argument("--host")
    p.add_argument("--port", type=int, default=9100)
    p.add_argument("--queue", help="the CUPS queue or system printer")
    p.add_argument("--paper", default=None, help="4x6, A4 or Letter")
    p.add_argument("--dpi", type=int, default=203, choices=[203, 300])
    p.add_argument("--test", action="store_true",
                   help="print a test label (label) or pick list (document)")
    p.set_defaults(handler=_printer_step)


def _secret(value: str | None, prompt: str) -> str | None:
    if value is None:
        return None
    if value != "-":
        raise CliFailure(fail(f"give {prompt} as - (typed, or on standard input), never on "
                              "the command line", code=2))
    return read_secret(f"{prompt}: ")


def _pairs(pairs: list[str]) -> dict:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CliFailure(fail(f"--set takes KEY=VALUE, not {pair!r}", code=2))
        values[key.strip()] = value
    return values


def _carrier(args) -> int:
    from oms_desktop.services.shipping import carrier_setup

    db, actor = open_acting(args)
    key = _secret(args.key, f"the {args.name} API key")
    current = carrier_setup.carrier_setup(db, args.name)
    config = {**current.config, **_pairs(args.set)}
    saved = carrier_setup.save_carrier(db, actor=actor, name=args.name, config=config,
                                       api_key=key)
    rows = [[saved.name, "enabled", "key stored" if saved.has_key else "no key",
             f"version {saved.version}"]]
    if args.test_rates:
        rows += [["", "rate", str(r), ""] for r in
                 carrier_setup.test_rates(db, name=args.name)]
    emit(args, saved, rows=rows, headers=["carrier", "", "", ""])
    return 0


def _email(args) -> int:
    from oms_desktop.services.automation import email_setup

    db, actor = open_acting(args)
    password = _secret(args.password, "the mail server password")
    saved = email_setup.save_email(db, actor=actor, host=args.host, sender=args.sender,
                                   port=args.port, security=args.security,
                                   username=args.username, password=password)
    rows = [[saved.host, saved.port, saved.security, saved.sender, saved.username or "",
             "stored" if saved.has_password else "none"]]
    emit(args, saved, rows=rows,
         headers=["host", "port", "security", "sender", "login", "password"])
    if args.test_to:
        print(email_setup.send_test(db, to=args.test_to))
    return 0


def _printer_step(args) -> int:
    from oms_desktop.devices.printing import PrinterProfile
    from oms_desktop.services import printer_setup

    values = {"name": args.name, "kind": args.kind, "host": args.host, "port": args.port,
              "queue": args.queue, "dpi": args.dpi,
              "paper": args.paper or ("4x6" if args.role == "label" else "A4")}
    station = printer_setup.save_printer(role=args.role, values=values)
    profile: PrinterProfile = getattr(station, args.role)
    lines = [[args.role, profile.describe(), "saved for this station"]]
    if args.test:
        db, _ = open_reading(args)
        text = printer_setup.test_label(db, profile) if args.role == "label" else \
            printer_setup.test_pick_list(profile)
        lines.append([args.role, profile.describe(), text])
    emit(args, {"role": args.role, **profile.as_dict()}, rows=lines,
         headers=["printer", "profile", "result"])
    return 0


def _user(args) -> int:
    from oms_desktop.cli import users

    return users._add(args)  # noqa: SLF001 - the same step as `users add`
