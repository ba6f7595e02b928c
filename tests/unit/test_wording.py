from oms_desktop.policies.wording import human, plural


def test_counts_take_the_plural_they_need():
    assert [plural(n, "unit") for n in (0, 1, 2, 1200)] == [
        "0 units", "1 unit", "2 units", "1,200 units"]
    assert plural(1, "package") == "1 package" and plural(3, "box") == "3 boxes"


def test_stored_names_read_as_people_say_them():
    assert [human(n) for n in ("order_imported", "add_tag", "changed_mind", "rma_created",
                               "wrong_item")] == [
        "Order imported", "Add tag", "Changed mind", "RMA created", "Wrong item"]
