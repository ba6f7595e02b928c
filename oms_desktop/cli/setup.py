"""`setup status`, `setup company NAME [--brand B …]`, and the set-up files:
`setup catalogue --csv F [--map field=Column,… | --map NAME] [--save-map NAME]`,
`setup bins --csv F`, `setup stock --csv F`, each with `--dry-run` and `--rejected F`;
and the service steps (cli.setup_steps): `setup carrier|email|printer|user`.
Rows that cannot be taken go to the rejected file with one reason each; the command then
exits 1 with one line on stderr naming the file."""

from __future__ import annotations

from oms_desktop.cli import catalogue, setup_steps
from oms_desktop.cli.identity import open_acting, open_reading
from oms_desktop.cli.output import emit, fail
from oms_desktop.services import setup_status
from oms_desktop.services.inventory import catalog_import, site_import
from oms_desktop.services.inventory.table_files import parse_mapping

FILE_COMMANDS = {
    "catalogue": "products with barcodes, weights, sizes and kit components (CSV or XLSX)",
    "bins": "sites, zones and bins with their walk sequence (CSV or XLSX)",
    "stock": "opening stock: SKU, location, quantity, unit cost (CSV or XLSX)",
}


def register(commands, common) -> None:
    catalogue.register(commands, common)  # `catalogue …` belongs to the same first day
    sub = commands.add_parser("setup", help="set up a new business").add_subparsers(
        dest="setup_command", metavar="ACTION", required=True)
    sub.add_parser("status", parents=[common], help="what is set up and what is not yet") \
        .set_defaults(handler=_status)
    p = sub.add_parser("company", parents=[common], help="the company's name and brands")
    p.add_argument("name")
    p.add_argument("--brand", action="append", default=[], help="a brand (repeat for more)")
    p.set_defaults(handler=_company)
    for name, help_ in FILE_COMMANDS.items():
        p = sub.add_parser(name, parents=[common], help=help_)
        p.add_argument("--csv", required=True, metavar="FILE", help="a .csv or .xlsx file")
        p.add_argument("--map", metavar="MAPPING",
                       help="field=Column,… or the name of a saved mapping")
        p.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
        p.add_argument("--rejected", metavar="FILE",
                       help="where refused rows go (default: FILE.rejected.csv)")
        if name == "catalogue":
            p.add_argument("--save-map", metavar="NAME",
                           help="keep --map under this name (not on a dry run)")
        p.set_defaults(handler=_import, what=name)
    setup_steps.register(sub, common)  # carrier, email, printer, user


def _status(args) -> int:
    db, _ = open_reading(args)
    steps = setup_status.setup_steps(db)
    emit(args, steps, rows=[["done" if s.done else "to do", s.title, "" if s.done else s.how]
                            for s in steps], headers=["", "step", "how"])
    return 0


def _company(args) -> int:
    db, actor = open_acting(args)
    made = setup_status.set_company(db, actor=actor, name=args.name, brands=tuple(args.brand))
    emit(args, made, rows=[[made.name, ", ".join(made.brands)]], headers=["company", "brands"])
    return 0


def _import(args) -> int:
    db, actor = open_acting(args)
    mapping = _mapping(args, db)
    run = {"catalogue": catalog_import.import_catalogue, "bins": site_import.import_bins,
           "stock": site_import.import_stock}[args.what]
    result = run(db, actor=actor, path=args.csv, mapping=mapping, dry_run=args.dry_run,
                 rejected_path=args.rejected)
    if getattr(args, "save_map", None) and mapping and not args.dry_run:
        catalog_import.save_mapping(db, actor=actor, name=args.save_map, mapping=mapping)
    emit(args, result, rows=[[result.summary]], headers=[args.what])
    if result.rejected:
        return fail(f"{result.rejected} rows rejected, each with its reason in "
                    f"{result.rejected_file}")
    return 0


def _mapping(args, db) -> dict[str, str] | None:
    if not args.map:
        return None
    if "=" in args.map:
        return parse_mapping(args.map)
    return catalog_import.mapping_named(db, args.map)
