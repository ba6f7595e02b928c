"""The box catalogue a manager keeps, through the services and the command line, on SQLite and
PostgreSQL; the pack station suggests and takes only boxes in it."""

import json

import pytest

from oms_desktop.cli import main
from oms_desktop.errors import PermissionDenied, ValidationError
from oms_desktop.model import Actor, Role
from oms_desktop.services.shipping import boxes
from tests.factories import small_world

MANAGER = Actor("meg", Role.manager)
PACKER = Actor("pat", Role.packer)


def codes(db) -> list[str]:
    return [b.code for b in boxes.list_boxes(db)]


def test_the_default_boxes_until_a_manager_changes_them(db):
    assert codes(db) == ["S", "M", "L", "XL"]
    boxes.add_box(db, actor=MANAGER, code="mailer", length_mm=350, width_mm=250, height_mm=30,
                  tare_g=60, max_weight_g=2_000)
    boxes.remove_box(db, actor=MANAGER, code="XL")
    assert codes(db) == ["MAILER", "S", "M", "L"]
    [mailer] = [b for b in boxes.list_boxes(db) if b.code == "MAILER"]
    assert (mailer.tare_g, mailer.max_weight_g) == (60, 2_000)


@pytest.mark.parametrize("values, reason", [
    (dict(code="M", length_mm=1, width_mm=1, height_mm=1), "Box M is already in the catalogue"),
    (dict(code="FLAT", length_mm=300, width_mm=200, height_mm=0),
     "Box FLAT: the inner height must be 1 to 3000 mm, not 0"),
    (dict(code="HEAVY", length_mm=300, width_mm=200, height_mm=100, tare_g=500,
          max_weight_g=400), "Box HEAVY: the tare (500 g) must be under the maximum weight"),
    (dict(code="TWO WORDS", length_mm=1, width_mm=1, height_mm=1),
     "A box code is 1 to 32 characters without spaces"),
])
def test_a_wrong_box_is_refused_with_what_is_wrong(db, values, reason):
    with pytest.raises(ValidationError) as info:
        boxes.add_box(db, actor=MANAGER, **values)
    assert str(info.value).startswith(reason)
    assert codes(db) == ["S", "M", "L", "XL"]


def test_a_box_is_changed_by_replacing_it_and_only_managers_edit_the_catalogue(db):
    boxes.add_box(db, actor=MANAGER, code="M", length_mm=310, width_mm=210, height_mm=160,
                  tare_g=270, replace=True)
    [m] = [b for b in boxes.list_boxes(db) if b.code == "M"]
    assert (m.length_mm, m.tare_g) == (310, 270)
    with pytest.raises(PermissionDenied):
        boxes.remove_box(db, actor=PACKER, code="M")
    with pytest.raises(ValidationError, match=r"No box 'Q' in the box catalogue"):
        boxes.remove_box(db, actor=MANAGER, code="Q")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_catalogue_from_the_command_line(db, capsys):
    small_world(db)
    url = db.url
    code, out, _ = run(capsys, "boxes", "add", "POLY-A4", "320", "240", "20", "--tare", "15",
                       "--max-weight", "1000", "--db", url)
    assert code == 0 and "POLY-A4" in out
    code, out, _ = run(capsys, "boxes", "list", "--db", url, "--json")
    assert [b["code"] for b in json.loads(out)] == ["POLY-A4", "S", "M", "L", "XL"]
    code, _, err = run(capsys, "boxes", "add", "BAD", "0", "1", "1", "--db", url)
    assert code == 1 and err.strip() == ("oms-desktop: error: Box BAD: the inner length must "
                                         "be 1 to 3000 mm, not 0")
    code, out, _ = run(capsys, "boxes", "remove", "poly-a4", "--db", url)
    assert code == 0 and "POLY-A4" in out and "POLY-A4" not in [b.code for b in
                                                                  boxes.list_boxes(db)]
