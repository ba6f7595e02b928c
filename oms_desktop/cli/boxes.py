"""`boxes list`, `boxes add CODE L W H [--tare G] [--max-weight G] [--replace]`,
`boxes remove CODE`: the box catalogue the pack station offers (sizes in mm, weights in g)."""

from __future__ import annotations

from oms_desktop.cli.output import emit, open_db
from oms_desktop.model import SYSTEM
from oms_desktop.services.shipping import boxes

CLI = SYSTEM.via("cli")
HEADERS = ["code", "length mm", "width mm", "height mm", "tare g", "max weight g"]


def register(commands, common) -> None:
    sub = commands.add_parser("boxes", help="the box catalogue").add_subparsers(
        dest="boxes_command", metavar="ACTION", required=True)
    sub.add_parser("list", parents=[common], help="the boxes, smallest first").set_defaults(
        handler=_list)
    p = sub.add_parser("add", parents=[common], help="add a box (inner size in mm)")
    p.add_argument("code")
    for side in ("length", "width", "height"):
        p.add_argument(side, type=int, metavar=side.upper())
    p.add_argument("--tare", type=int, default=0, metavar="G", help="the empty box's weight")
    p.add_argument("--max-weight", type=int, default=30_000, metavar="G",
                   help="the most the packed box may weigh (default 30000)")
    p.add_argument("--replace", action="store_true", help="change the box with this code")
    p.set_defaults(handler=_add)
    p = sub.add_parser("remove", parents=[common], help="remove a box")
    p.add_argument("code")
    p.set_defaults(handler=_remove)


def _show(args, found) -> None:
    found = found if isinstance(found, list) else [found]
    emit(args, found, rows=[[b.code, b.length_mm, b.width_mm, b.height_mm, b.tare_g,
                             b.max_weight_g] for b in found], headers=HEADERS)


def _list(args) -> int:
    _show(args, boxes.list_boxes(open_db(args)))
    return 0


def _add(args) -> int:
    _show(args, boxes.add_box(open_db(args), actor=CLI, code=args.code, length_mm=args.length,
                              width_mm=args.width, height_mm=args.height, tare_g=args.tare,
                              max_weight_g=args.max_weight, replace=args.replace))
    return 0


def _remove(args) -> int:
    _show(args, boxes.remove_box(open_db(args), actor=CLI, code=args.code))
    return 0
