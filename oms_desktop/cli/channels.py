"""`channels add|list|test|push-inventory|drift`, `sync [NAME] [--full]`, `sync errors [NAME]`,
`sync retry NAME`."""

from __future__ import annotations

from oms_desktop.cli.identity import open_acting, open_reading
from oms_desktop.cli.output import CliFailure, emit, fail, open_db, read_secret
from oms_desktop.errors import ValidationError
from oms_desktop.services.channels import inventory_push, sync
from oms_desktop.services.channels import push as channel_push
from oms_desktop.services.channels import setup as channels


def register(commands, common) -> None:
    sub = commands.add_parser("channels", help="sales channels and their connectors") \
        .add_subparsers(dest="channels_command", metavar="ACTION", required=True)
    p = sub.add_parser("add", parents=[common], help="add (or change) a channel")
    p.add_argument("kind", metavar="TYPE", help="connector: shopify, woocommerce, file, …")
    p.add_argument("--name", required=True)
    p.add_argument("--code", help="short code (default: from the name)")
    p.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE",
                   help="a connector setting; give a secret as KEY=- to be prompted")
    p.add_argument("--location", action="append", metavar="CODE",
                   help="a site whose stock this channel sells (repeatable)")
    p.add_argument("--buffer", type=int, help="safety buffer held back from the channel")
    p.set_defaults(handler=_add)
    sub.add_parser("list", parents=[common], help="channels and their last sync") \
        .set_defaults(handler=_list)
    p = sub.add_parser("test", parents=[common], help="test the connection")
    p.add_argument("name")
    p.set_defaults(handler=_test)
    p = sub.add_parser("push-inventory", parents=[common],
                       help="push available-to-sell (changed SKUs; --all for every SKU)")
    p.add_argument("name")
    p.add_argument("--all", action="store_true")
    p.set_defaults(handler=_push_inventory)
    p = sub.add_parser("drift", parents=[common], help="compare the channel's stock with ours")
    p.add_argument("name")
    p.set_defaults(handler=_drift)

    p = commands.add_parser("sync", parents=[common],
                            help="sync orders now: `sync [NAME] [--full]`, `sync errors [NAME]`,"
                                 " `sync retry NAME`")
    p.add_argument("name", nargs="?", help="channel (default: every active channel)")
    p.add_argument("channel", nargs="?", help="channel, after `errors` or `retry`")
    p.add_argument("--full", action="store_true", help="ignore the cursor: fetch everything")
    p.set_defaults(handler=_sync)


def _settings(pairs: list[str]) -> dict:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValidationError(f"--setting wants KEY=VALUE, not {pair!r}")
        values[key] = read_secret(f"{key}: ") if value == "-" else value
    return values


def _add(args) -> int:
    db, actor = open_acting(args)
    info = channels.save_channel(db, actor=actor, kind=args.kind, name=args.name,
                                 code=args.code, values=_settings(args.setting),
                                 locations=args.location, safety_buffer=args.buffer)
    emit(args, info, rows=[[info.code, info.kind, info.name, ", ".join(info.locations)]],
         headers=["code", "type", "name", "locations"])
    return 0


def _list(args) -> int:
    rows = channels.list_channels(open_db(args))
    emit(args, rows, rows=[[c.code, c.kind, c.name, "yes" if c.active else "no",
                            c.last_run or "-", c.cursor or "-", c.open_errors] for c in rows],
         headers=["code", "type", "name", "active", "last run", "cursor", "errors"])
    return 0


def _test(args) -> int:
    db, actor = open_reading(args)
    text = channels.test_channel(db, actor=actor, code=args.name)
    emit(args, {"channel": args.name, "ok": True, "reached": text},
         rows=[[args.name, "ok", text]], headers=["channel", "result", "reached"])
    return 0


def _push_inventory(args) -> int:
    db, actor = open_acting(args)
    s = inventory_push.push_inventory(db, actor=actor, code=args.name,
                                      force=args.all)
    emit(args, s, rows=[[s.channel, s.pushed, s.unchanged, s.failed]],
         headers=["channel", "pushed", "unchanged", "failed"])
    for sku, error in sorted(s.errors.items()):
        print(f"  {sku}: {error}")
    return 1 if s.failed and not s.pushed else 0


def _drift(args) -> int:
    db, actor = open_reading(args)
    rows = inventory_push.check_drift(db, actor=actor, code=args.name)
    emit(args, [dict(sku=r.sku, ours=r.ours, channel=r.channel_quantity, drift=r.drift)
                for r in rows],
         rows=[[r.sku, r.ours, "-" if r.channel_quantity is None else r.channel_quantity,
                "-" if r.drift is None else r.drift] for r in rows],
         headers=["sku", "ours", "channel", "drift"])
    return 0


def _sync(args) -> int:
    if args.name == "errors":
        return _errors(args)
    if args.name == "retry":
        return _retry(args)
    if args.channel:
        return fail(f"unexpected argument {args.channel!r}")
    db, actor = open_acting(args)
    results = ([sync.sync_orders(db, actor=actor, code=args.name, full=args.full)]
               if args.name else sync.sync_all(db, actor=actor, full=args.full))
    pushes = {r.channel: channel_push.drain_outbox(db, code=r.channel) for r in results if r.ok}
    emit(args, {"runs": results, "pushed": pushes},
         rows=[[r.channel, r.status, r.fetched, r.created, r.updated, r.unchanged, r.failed,
                f"{r.duration_s:.1f}s", pushes[r.channel].sent if r.channel in pushes else "-"]
               for r in results],
         headers=["channel", "status", "fetched", "created", "updated", "unchanged", "failed",
                  "time", "pushed"])
    for r in results:
        if r.error:
            fail(f"{r.channel}: {r.error}")
    return 1 if any(not r.ok for r in results) else 0


def _errors(args) -> int:
    rows = sync.list_errors(open_db(args), args.channel)
    emit(args, rows, rows=[[e.id, e.channel, e.external_id or "-", e.retries,
                            e.reason.splitlines()[0][:90]] for e in rows],
         headers=["id", "channel", "external id", "retries", "reason"])
    return 0


def _retry(args) -> int:
    if not args.channel:
        raise CliFailure(fail("sync retry needs a channel"))
    db, actor = open_acting(args)
    counts = sync.retry_errors(db, actor=actor, code=args.channel)
    emit(args, counts, rows=[[args.channel, counts.created, counts.updated, counts.unchanged]],
         headers=["channel", "created", "updated", "unchanged"])
    return 0
