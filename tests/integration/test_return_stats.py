from oms_desktop.model import Actor, Role
from oms_desktop.services.returns import stats as return_stats
from oms_desktop.services.returns.intake import finish_intake, receive_unit
from oms_desktop.services.returns.stats import RateRow, _outliers
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from tests.factories import small_world
from tests.returns_fixtures import shipped_order

SUPERVISOR = Actor("sam", Role.supervisor)


def test_rates_reasons_and_conditions_come_from_shipments_and_graded_units(db, tmp_path):
    small_world(db)
    first = shipped_order(db, {"SKU-1": 2, "SKU-2": 2})
    shipped_order(db, {"SKU-2": 2})
    rma = create_rma(db, actor=SUPERVISOR, order=first,
                     lines=[RequestedLine("SKU-2", 1, "too_small")])
    receive_unit(db, actor=SUPERVISOR, rma=rma.rma_number, code="SKU-2",
                 condition="open_box", disposition="restock", location="WH1")
    finish_intake(db, actor=SUPERVISOR, rma=rma.rma_number)

    result = return_stats.stats(db)

    rates = {r.key: (r.shipped, r.returned) for r in result.by_sku}
    assert rates == {"SKU-1": (2, 0), "SKU-2": (4, 1)}
    assert result.by_reason == {"too_small": 1}
    assert result.reasons_by_condition == {"open_box": {"too_small": 1}}
    assert [(r.key, r.returned) for r in result.by_channel] == [("WEB", 1)]
    out = tmp_path / "returns.csv"
    return_stats.export_csv(result, out)
    assert "sku,SKU-2,4,1,0.2500" in out.read_text()


def test_a_sku_returned_far_more_than_its_category_stands_out():
    rows = [RateRow(f"TEE-{i}", 100, 4) for i in range(6)] + [RateRow("TEE-BAD", 100, 30)]
    found = _outliers(rows, {r.key: "tees" for r in rows})
    assert [sku for sku, *_ in found] == ["TEE-BAD"]


def test_rarely_shipped_skus_are_not_judged():
    rows = [RateRow(f"MUG-{i}", 50, 1) for i in range(5)] + [RateRow("MUG-NEW", 5, 4)]
    assert _outliers(rows, {r.key: "mugs" for r in rows}) == []
