"""`settings list [--known] [--prefix P]`, `settings get KEY`, `settings set KEY VALUE…`,
`settings unset KEY`: the shared settings, with the window's validation and permissions
(services.settings); changing one acts as the person cli.identity names."""

from __future__ import annotations

import json

from oms_desktop.cli.identity import open_acting
from oms_desktop.cli.output import emit, emit_json, open_db
from oms_desktop.services import settings


def register(commands, common) -> None:
    sub = commands.add_parser("settings", help="shared settings: list, get, set, unset") \
        .add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    p = sub.add_parser("list", parents=[common], help="the settings stored in this database")
    p.add_argument("--known", action="store_true",
                   help="also every setting one may set, with its default and meaning")
    p.add_argument("--prefix", metavar="P", help="only keys starting with P (smtp.)")
    p.set_defaults(handler=_list)
    p = sub.add_parser("get", parents=[common], help="one setting's value")
    p.add_argument("key", metavar="KEY")
    p.set_defaults(handler=_get)
    p = sub.add_parser("set", parents=[common], help="change a setting (checked as in the "
                       "window); an address takes one argument per line")
    p.add_argument("key", metavar="KEY")
    p.add_argument("value", metavar="VALUE", nargs="+")
    p.set_defaults(handler=_set)
    p = sub.add_parser("unset", parents=[common], help="forget a setting: its default applies")
    p.add_argument("key", metavar="KEY")
    p.set_defaults(handler=_unset)


def _text(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return " / ".join(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _list(args) -> int:
    rows = settings.list_settings(open_db(args), known=args.known, prefix=args.prefix)
    emit(args, rows, rows=[[r.key, _text(r.value), "stored" if r.is_set else "default", r.role,
                            r.meaning] for r in rows],
         headers=["key", "value", "source", "changed by", "meaning"])
    return 0


def _get(args) -> int:
    view = settings.show(open_db(args), args.key)
    if args.json:
        emit_json(view)
    else:
        print(_text(view.value))
    return 0


def _set(args) -> int:
    value = settings.spec(args.key).parse(args.value)
    db, actor = open_acting(args)
    settings.write(db, actor=actor, key=args.key, value=value)
    view = settings.show(db, args.key)
    emit(args, view, rows=[[view.key, _text(view.value), actor.name]],
         headers=["key", "value", "set by"])
    return 0


def _unset(args) -> int:
    db, actor = open_acting(args)
    removed = settings.remove(db, actor=actor, key=args.key)
    result = {"key": args.key, "removed": removed}
    emit(args, result, rows=[[args.key, "removed: the default applies" if removed
                              else "was not set"]], headers=["key", "result"])
    return 0
