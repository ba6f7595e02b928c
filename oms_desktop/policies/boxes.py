"""Which box to suggest for a package: the smallest (by volume) from the box list that the
items fit in, checking that the longest item fits the box's longest side and the summed
volume with a fill factor. A rule of thumb the packer can override, not a 3-D packer."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_FILL = 0.8


@dataclass(frozen=True)
class Box:
    code: str
    length_mm: int
    width_mm: int
    height_mm: int
    max_weight_g: int = 30_000

    @property
    def volume(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm

    @property
    def sides(self) -> tuple[int, ...]:
        return tuple(sorted((self.length_mm, self.width_mm, self.height_mm), reverse=True))


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


DEFAULT_BOXES = (
    Box("S", 200, 150, 100),
    Box("M", 300, 200, 150),
    Box("L", 400, 300, 200),
    Box("XL", 600, 400, 400),
)


def boxes_from_settings(rows: list[dict] | None) -> tuple[Box, ...]:
    """The box list from the setting "floor.boxes" ([{code, length_mm, width_mm, height_mm,
    max_weight_g?}, …]); the defaults when it is not set."""
    if not rows:
        return DEFAULT_BOXES
    return tuple(Box(r["code"], int(r["length_mm"]), int(r["width_mm"]), int(r["height_mm"]),
                     int(r.get("max_weight_g", 30_000))) for r in rows)


def _item_fits(item: Item, box: Box) -> bool:
    return all(i <= b for i, b in zip(item.sides, box.sides))


def fits(items: list[Item], box: Box, *, fill: float = DEFAULT_FILL) -> bool:
    if sum(i.weight_g * i.quantity for i in items) > box.max_weight_g:
        return False
    if not all(_item_fits(i, box) for i in items):
        return False
    return sum(i.volume for i in items) <= box.volume * fill


def suggest_box(items: list[Item], boxes: tuple[Box, ...] = DEFAULT_BOXES, *,
                fill: float = DEFAULT_FILL) -> Box | None:
    """The smallest box the items fit in, or None (several packages, or unknown sizes:
    items without dimensions are ignored; when none has any, the smallest box)."""
    sized = [i for i in items if i.length_mm and i.width_mm and i.height_mm]
    for box in sorted(boxes, key=lambda b: b.volume):
        if fits(sized, box, fill=fill):
            return box
    return None
