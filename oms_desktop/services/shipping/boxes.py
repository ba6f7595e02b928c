"""The box catalogue a manager keeps (setting "floor.boxes"): inner dimensions, tare weight and
the most a packed box may weigh. The pack station offers and suggests these boxes; the box a
packer chooses gives the package its dimensions and tare."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from oms_desktop.errors import ValidationError
from oms_desktop.model import Actor
from oms_desktop.policies.boxes import Box, boxes_from_settings, checked_box
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.storage import Database

SETTING = "floor.boxes"


@dataclass(frozen=True)
class BoxView:
    code: str
    length_mm: int
    width_mm: int
    height_mm: int
    tare_g: int
    max_weight_g: int


def _view(box: Box) -> BoxView:
    return BoxView(box.code, box.length_mm, box.width_mm, box.height_mm, box.tare_g,
                   box.max_weight_g)


def catalogue(session: Session) -> tuple[Box, ...]:
    return boxes_from_settings(settings.get(session, SETTING))


def box_by_code(session: Session, code: str) -> Box:
    boxes = catalogue(session)
    found = next((b for b in boxes if b.code == code.strip().upper()), None)
    if found is None:
        known = ", ".join(b.code for b in boxes) or "none yet"
        raise ValidationError(f"No box {code!r} in the box catalogue (boxes: {known})")
    return found


def list_boxes(db: Database) -> list[BoxView]:
    with db.uow(readonly=True) as uow:
        return [_view(b) for b in sorted(catalogue(uow.session), key=lambda b: b.volume)]


def add_box(db: Database, *, actor: Actor, code: str, length_mm: int, width_mm: int,
            height_mm: int, tare_g: int = 0, max_weight_g: int = 30_000,
            replace: bool = False) -> BoxView:
    """Add a box to the catalogue (or, with `replace`, change the one with that code)."""
    require(actor, "settings.edit")
    box = checked_box(code, length_mm, width_mm, height_mm, tare_g=tare_g,
                      max_weight_g=max_weight_g)
    with db.uow() as uow:
        boxes = catalogue(uow.session)
        if not replace and any(b.code == box.code for b in boxes):
            raise ValidationError(f"Box {box.code} is already in the catalogue")
        kept = [b for b in boxes if b.code != box.code]
        settings.put(uow.session, SETTING, [b.as_setting() for b in (*kept, box)])
        uow.commit()
    return _view(box)


def remove_box(db: Database, *, actor: Actor, code: str) -> BoxView:
    """Packages already packed in it keep their dimensions."""
    require(actor, "settings.edit")
    with db.uow() as uow:
        box = box_by_code(uow.session, code)
        kept = [b.as_setting() for b in catalogue(uow.session) if b.code != box.code]
        settings.put(uow.session, SETTING, kept)
        uow.commit()
    return _view(box)
