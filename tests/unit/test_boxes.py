import pytest

from oms_desktop.errors import ValidationError
from oms_desktop.policies.boxes import (
    DEFAULT_BOXES, Box, Item, bounding_size, boxes_from_settings, checked_box, fits, suggest_box,
)


def test_the_smallest_box_that_holds_the_items_is_suggested():
    assert suggest_box([Item(100, 80, 60, 300, quantity=2)]).code == "S"
    assert suggest_box([Item(250, 150, 100, 500)]).code == "M"


def test_a_long_item_needs_a_box_with_a_long_enough_side():
    assert suggest_box([Item(450, 20, 20)]).code == "XL"


def test_too_heavy_or_too_big_gives_no_box():
    assert suggest_box([Item(100, 100, 100, 40_000)]) is None
    assert suggest_box([Item(700, 100, 100)]) is None


def test_items_without_dimensions_get_the_smallest_box():
    assert suggest_box([Item(0, 0, 0, 100)]).code == "S"


def test_the_box_list_comes_from_settings():
    boxes = boxes_from_settings([{"code": "MAILER", "length_mm": 350, "width_mm": 250,
                                  "height_mm": 30}])
    assert boxes == (Box("MAILER", 350, 250, 30),)
    assert boxes_from_settings(None) == DEFAULT_BOXES
    assert suggest_box([Item(300, 200, 20)], boxes).code == "MAILER"


def test_a_package_without_a_box_is_as_big_as_its_items_laid_flat():
    assert bounding_size([Item(120, 95, 90), Item(10, 180, 30, quantity=2)]) == (180, 95, 110)
    assert bounding_size([Item(120, 95, 90), Item(0, 0, 0)]) is None
    assert bounding_size([]) is None


def test_the_tare_counts_against_a_boxs_maximum_weight():
    box = Box("S", 200, 150, 100, max_weight_g=1_000, tare_g=150)
    assert fits([Item(50, 50, 50, 850)], box)
    assert not fits([Item(50, 50, 50, 851)], box)


def test_a_catalogue_entry_is_checked_and_its_code_upper_cased():
    assert checked_box(" mailer ", 350, 250, 30, tare_g=60).code == "MAILER"
    with pytest.raises(ValidationError, match="the inner width must be 1 to 3000 mm, not -5"):
        checked_box("X", 100, -5, 10)
    with pytest.raises(ValidationError, match="1 to 32 characters"):
        checked_box("", 100, 100, 100)
