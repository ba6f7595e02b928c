"""Boxes: the catalogue's rules (inner dimensions, tare weight, the most a packed box may
weigh), which box to suggest for a package, and the size of a package packed without one.

The suggestion is the smallest box (by volume) that the items fit in, checking that the longest
item fits the box's longest side and the summed volume with a fill factor: a rule of thumb the
packer can override, not a 3-D packer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from oms_desktop.errors import ValidationError

DEFAULT_FILL = 0.8
DEFAULT_MAX_WEIGHT_G = 30_000
MAX_SIDE_MM = 3_000  # beyond this it is freight, not a parcel
MAX_WEIGHT_G = 1_000_000
CODE_LENGTH = 32  # packages.box_code


@dataclass(frozen=True)
class Box:
    code: str
    length_mm: int
    width_mm: int
    height_mm: int
    max_weight_g: int = DEFAULT_MAX_WEIGHT_G  # the packed box, tare included
    tare_g: int = 0

    @property
    def volume(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm

    @property
    def sides(self) -> tuple[int, ...]:
        return tuple(sorted((self.length_mm, self.width_mm, self.height_mm), reverse=True))

    def as_setting(self) -> dict:
        return {"code": self.code, "length_mm": self.length_mm, "width_mm": self.width_mm,
                "height_mm": self.height_mm, "tare_g": self.tare_g,
                "max_weight_g": self.max_weight_g}


@dataclass(frozen=True)
class Item:
    length_mm: int
    width_mm: int
    height_mm: int
    weight_g: int = 0
    quantity: int = 1

    @property
    def sides(self) -> tuple[int, ...]:
        return tuple(sorted((self.length_mm, self.width_mm, self.height_mm), reverse=True))

    @property
    def volume(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm * self.quantity

    @property
    def sized(self) -> bool:
        return min(self.length_mm, self.width_mm, self.height_mm) > 0


DEFAULT_BOXES = (
    Box("S", 200, 150, 100, tare_g=150),
    Box("M", 300, 200, 150, tare_g=250),
    Box("L", 400, 300, 200, tare_g=400),
    Box("XL", 600, 400, 400, tare_g=800),
)


def checked_box(code: str, length_mm: int, width_mm: int, height_mm: int, *, tare_g: int = 0,
                max_weight_g: int = DEFAULT_MAX_WEIGHT_G) -> Box:
    """A catalogue entry, or ValidationError naming the first value that is wrong."""
    code = (code or "").strip().upper()
    if not code or len(code) > CODE_LENGTH or any(c.isspace() for c in code):
        raise ValidationError(f"A box code is 1 to {CODE_LENGTH} characters without spaces, "
                              f"not {code!r}")
    for name, value in (("length", length_mm), ("width", width_mm), ("height", height_mm)):
        if not 0 < value <= MAX_SIDE_MM:
            raise ValidationError(f"Box {code}: the inner {name} must be 1 to {MAX_SIDE_MM} mm,"
                                  f" not {value}")
    if not 0 <= tare_g < max_weight_g <= MAX_WEIGHT_G:
        raise ValidationError(f"Box {code}: the tare ({tare_g} g) must be under the maximum "
                              f"weight ({max_weight_g} g), which is at most {MAX_WEIGHT_G} g")
    return Box(code, length_mm, width_mm, height_mm, max_weight_g, tare_g)


def boxes_from_settings(rows: list[dict] | None) -> tuple[Box, ...]:
    """The catalogue from the setting "floor.boxes" ([{code, length_mm, width_mm, height_mm,
    tare_g?, max_weight_g?}, …]); the defaults when it was never set."""
    if rows is None:
        return DEFAULT_BOXES
    return tuple(Box(r["code"], int(r["length_mm"]), int(r["width_mm"]), int(r["height_mm"]),
                     int(r.get("max_weight_g", DEFAULT_MAX_WEIGHT_G)), int(r.get("tare_g", 0)))
                 for r in rows)


def contents_weight(items: Iterable[Item]) -> int:
    return sum(i.weight_g * i.quantity for i in items)


def _item_fits(item: Item, box: Box) -> bool:
    return all(i <= b for i, b in zip(item.sides, box.sides))


def fits(items: list[Item], box: Box, *, fill: float = DEFAULT_FILL) -> bool:
    if contents_weight(items) + box.tare_g > box.max_weight_g:
        return False
    sized = [i for i in items if i.sized]
    if not all(_item_fits(i, box) for i in sized):
        return False
    return sum(i.volume for i in sized) <= box.volume * fill


def suggest_box(items: list[Item], boxes: tuple[Box, ...] = DEFAULT_BOXES, *,
                fill: float = DEFAULT_FILL) -> Box | None:
    """The smallest box the items fit in, or None (several packages, or unknown sizes:
    items without dimensions are ignored; when none has any, the smallest box)."""
    for box in sorted(boxes, key=lambda b: b.volume):
        if fits(items, box, fill=fill):
            return box
    return None


def bounding_size(items: list[Item]) -> tuple[int, int, int] | None:
    """The size of a package packed without a box: the items laid flat on top of each other
    (the longest side, the widest middle side, the heights summed); None when an item's size
    is unknown."""
    if not items or not all(i.sized for i in items):
        return None
    sides = [i.sides for i in items]
    return (max(s[0] for s in sides), max(s[1] for s in sides),
            sum(s[2] * i.quantity for s, i in zip(sides, items)))
