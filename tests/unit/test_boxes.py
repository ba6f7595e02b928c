from oms_desktop.policies.boxes import (
    DEFAULT_BOXES, Box, Item, boxes_from_settings, suggest_box,
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
