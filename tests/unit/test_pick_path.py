from oms_desktop.policies.pick_path import in_walk_order, natural_key


def test_natural_order_puts_a2_before_a10():
    assert sorted(["A10", "A2", "B1", "A1"], key=natural_key) == ["A1", "A2", "A10", "B1"]


def test_natural_order_compares_every_number_run():
    codes = ["WH-A-10-2", "WH-A-2-10", "WH-A-2-9", "wh-a-1-1"]
    assert sorted(codes, key=natural_key) == ["wh-a-1-1", "WH-A-2-9", "WH-A-2-10", "WH-A-10-2"]


def test_walk_sequence_wins_and_bins_without_one_follow_in_natural_order():
    bins = [("A10", None), ("Z9", 1), ("A2", None), ("B1", 2)]
    ordered = in_walk_order(bins, code=lambda b: b[0], sequence=lambda b: b[1])
    assert [b[0] for b in ordered] == ["Z9", "B1", "A2", "A10"]
