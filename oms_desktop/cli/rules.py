"""`rules list`, `rules dry-run NAME`, `rules add`, `rules enable|disable NAME`,
`rules conflicts`."""

from __future__ import annotations

import json

from oms_desktop.cli.identity import open_acting
from oms_desktop.cli.output import emit, open_db, positive_int
from oms_desktop.errors import ValidationError
from oms_desktop.services.automation import rules



def register(commands, common) -> None:
    sub = commands.add_parser("rules", help="automation rules").add_subparsers(
        dest="rules_command", metavar="ACTION", required=True)
    sub.add_parser("list", parents=[common], help="the rules in the order they run") \
        .set_defaults(handler=_list)
    p = sub.add_parser("dry-run", parents=[common],
                       help="which active orders a rule would change, and how (changes nothing)")
    p.add_argument("name")
    p.add_argument("--limit", type=positive_int, default=None, help="show at most N orders")
    p.set_defaults(handler=_dry_run)
    p = sub.add_parser("add", parents=[common], help="add a rule at the end")
    p.add_argument("name")
    p.add_argument("--trigger", required=True, help="order_imported, order_changed, "
                   "stock_changed, shipment_packed or shipment_shipped")
    p.add_argument("--if", dest="conditions", default="[]", metavar="JSON",
                   help='conditions, e.g. \'[{"field": "country", "op": "in", "value": ["DE"]}]\'')
    p.add_argument("--then", dest="actions", required=True, metavar="JSON",
                   help='actions, e.g. \'[{"type": "set_shipping", "carrier": "dhl"}]\'')
    p.add_argument("--disabled", action="store_true")
    p.set_defaults(handler=_add)
    for verb in ("enable", "disable"):
        p = sub.add_parser(verb, parents=[common], help=f"{verb} a rule")
        p.add_argument("name")
        p.set_defaults(handler=_toggle, enabled=verb == "enable")
    sub.add_parser("conflicts", parents=[common],
                   help="rules that set one thing differently, with the orders both match") \
        .set_defaults(handler=_conflicts)


def _json(text: str, what: str) -> list:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{what} is not valid JSON: {exc.msg}") from None
    return value if isinstance(value, list) else [value]


def _short(value) -> str:
    if isinstance(value, list) and len(value) > 3:
        return ", ".join(map(str, value[:3])) + f", … (+{len(value) - 3})"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _summary(items: list[dict]) -> str:
    return "; ".join(" ".join(_short(v) for v in item.values()) for item in items)


def _list(args) -> int:
    found = rules.list_rules(open_db(args))
    emit(args, found, rows=[[r.position, r.name, "yes" if r.enabled else "no", r.trigger,
                             _summary(r.conditions), _summary(r.actions)] for r in found],
         headers=["#", "name", "enabled", "trigger", "conditions", "actions"])
    return 0


def _dry_run(args) -> int:
    result = rules.dry_run(open_db(args), args.name, limit=args.limit)
    rows = [[r.number, c.action, json.dumps(c.before), json.dumps(c.after)]
            for r in result.rows for c in r.changes]
    emit(args, result, rows=rows, headers=["order", "action", "before", "after"])
    if not args.json:
        print(f"{result.rule}: {result.matched} active orders match, {result.changed}"
              " would change")
    return 0


def _add(args) -> int:
    db, actor = open_acting(args)
    view = rules.create_rule(db, actor=actor, name=args.name, trigger=args.trigger,
                             conditions=_json(args.conditions, "--if"),
                             actions=_json(args.actions, "--then"), enabled=not args.disabled)
    emit(args, view, rows=[[view.position, view.name, view.trigger]],
         headers=["#", "name", "trigger"])
    return 0


def _toggle(args) -> int:
    db, actor = open_acting(args)
    view = rules.set_enabled(db, actor=actor, name=args.name, enabled=args.enabled)
    emit(args, view, rows=[[view.name, "enabled" if view.enabled else "disabled"]],
         headers=["name", "state"])
    return 0


def _conflicts(args) -> int:
    found = rules.conflicts(open_db(args))
    if not found and not args.json:
        print("No conflicts between enabled rules.")
        return 0
    emit(args, found, rows=[[c.field, c.first_rule, json.dumps(c.first_value), c.second_rule,
                             json.dumps(c.second_value), c.orders, ", ".join(c.sample)]
                            for c in found],
         headers=["what", "rule", "sets", "later rule", "sets", "orders", "e.g."])
    return 0
