import pytest
import sqlalchemy as sa

from oms_desktop.errors import ConcurrentChange, PermissionDenied, ValidationError
from oms_desktop.model import Actor, AuditEvent, MoveReason, Role, StockMove
from oms_desktop.services.inventory import counting
from oms_desktop.services.inventory import stock
from tests.factories import small_world

PACKER = Actor("pat", Role.packer)
SUPERVISOR = Actor("sue", Role.supervisor)


@pytest.fixture
def world(db):
    small_world(db)
    stock.receive(db, actor=PACKER, sku="SKU-1", location="WH1-A-01", quantity=10)
    stock.receive(db, actor=PACKER, sku="SKU-2", location="WH1-A-02", quantity=5)
    return db


def _scan(db, count, *codes, bin=None):
    for code in codes:
        result = counting.scan(db, actor=PACKER, count_id=count.id, code=code, bin=bin)
        bin = result.bin
    return bin


def _on_hand(db, sku, location):
    return {r.location: r.on_hand for r in stock.levels(db, sku=sku)}.get(location, 0)


def test_starting_a_count_snapshots_what_the_bins_should_hold(world):
    count = counting.start_count(world, actor=PACKER, bins=["WH1-A"])
    assert [b.code for b in count.bins] == ["WH1-A-01", "WH1-A-02", "WH1-A-03"]
    assert [(ln.bin, ln.sku, ln.expected, ln.counted) for ln in count.lines] == [
        ("WH1-A-01", "SKU-1", 10, 0), ("WH1-A-02", "SKU-2", 5, 0)]
    assert count.status == "open" and count.uncounted_bins == ("WH1-A-01", "WH1-A-02", "WH1-A-03")


def test_scans_count_units_per_bin_and_show_variances(world):
    count = counting.start_count(world, actor=PACKER, bins=["WH1-A-01", "WH1-A-02"])
    _scan(world, count, "WH1-A-01", *["4006381333931"] * 8, "036000291452")
    counting.set_counted(world, actor=PACKER, count_id=count.id, bin="WH1-A-02", code="SKU-2",
                         quantity=5)
    view = counting.count_view(world, actor=PACKER, count_id=count.id)
    assert [(v.bin, v.sku, v.expected, v.counted, v.variance) for v in view.variances] == [
        ("WH1-A-01", "SKU-1", 10, 8, -2), ("WH1-A-01", "SKU-2", 0, 1, 1)]
    assert view.uncounted_bins == ()


def test_approval_posts_cycle_count_moves_and_the_ledger_reconciles(world):
    count = counting.start_count(world, actor=PACKER, bins=["WH1-A-01", "WH1-A-02"])
    _scan(world, count, "WH1-A-01", *["SKU-1"] * 7, "SKU-2", "SKU-2")
    _scan(world, count, "WH1-A-02", *["SKU-2"] * 5)
    done = counting.approve(world, actor=SUPERVISOR, count_id=count.id)
    assert done.status == "approved" and done.closed_by == "sue"
    assert {(ln.bin, ln.sku): ln.posted for ln in done.lines} == {
        ("WH1-A-01", "SKU-1"): -3, ("WH1-A-01", "SKU-2"): 2, ("WH1-A-02", "SKU-2"): 0}
    assert _on_hand(world, "SKU-1", "WH1-A-01") == 7
    assert _on_hand(world, "SKU-2", "WH1-A-01") == 2
    with world.uow(readonly=True) as uow:
        moves = uow.session.scalars(sa.select(StockMove).where(
            StockMove.reason == MoveReason.cycle_count)).all()
        assert sorted(m.quantity for m in moves) == [2, 3]
        assert {m.reference for m in moves} == {f"COUNT-{count.id}"}
        assert uow.session.scalar(sa.select(AuditEvent.action).where(
            AuditEvent.entity == "cycle_count")) == "approve"
    assert stock.reconcile(world) == []


def test_a_packer_cannot_approve_even_by_calling_the_service(world):
    count = counting.start_count(world, actor=PACKER, bins=["WH1-A-01"])
    _scan(world, count, "WH1-A-01")
    with pytest.raises(PermissionDenied, match="supervisor"):
        counting.approve(world, actor=PACKER, count_id=count.id)
    assert _on_hand(world, "SKU-1", "WH1-A-01") == 10


def test_approval_waits_until_every_bin_was_looked_at(world):
    count = counting.start_count(world, actor=PACKER, bins=["WH1-A-01", "WH1-A-03"])
    _scan(world, count, "WH1-A-01", *["SKU-1"] * 10)
    with pytest.raises(ValidationError, match="not counted yet: WH1-A-03"):
        counting.approve(world, actor=SUPERVISOR, count_id=count.id)
    _scan(world, count, "WH1-A-03")
    assert counting.approve(world, actor=SUPERVISOR, count_id=count.id).status == "approved"
    assert stock.reconcile(world) == []


def test_stock_moved_after_the_snapshot_is_not_counted_twice(world):
    count = counting.start_count(world, actor=PACKER, bins=["WH1-A-01"])
    stock.move(world, actor=PACKER, sku="SKU-1", source="WH1-A-01", target="WH1-A-03",
               quantity=4)
    _scan(world, count, "WH1-A-01", *["SKU-1"] * 6)
    done = counting.approve(world, actor=SUPERVISOR, count_id=count.id)
    assert [(ln.expected, ln.counted, ln.posted) for ln in done.lines] == [(10, 6, 0)]
    assert _on_hand(world, "SKU-1", "WH1-A-01") == 6
    assert stock.reconcile(world) == []


def test_a_count_below_what_is_reserved_is_refused_with_the_line_named(world):
    count = counting.start_count(world, actor=PACKER, bins=["WH1-A-01"])
    assert stock.reserve(world, actor=PACKER, sku="SKU-1", location="WH1-A-01", quantity=4).ok
    _scan(world, count, "WH1-A-01", *["SKU-1"] * 3)
    with pytest.raises(ValidationError, match="SKU-1 at WH1-A-01: counted 3 but 4 reserved"):
        counting.approve(world, actor=SUPERVISOR, count_id=count.id)
    assert _on_hand(world, "SKU-1", "WH1-A-01") == 10
    assert counting.count_view(world, actor=PACKER, count_id=count.id).status == "open"


def test_a_product_scanned_outside_any_bin_of_the_count_is_refused(world):
    count = counting.start_count(world, actor=PACKER, bins=["WH1-A-01"])
    with pytest.raises(ValidationError, match="Scan a bin"):
        counting.scan(world, actor=PACKER, count_id=count.id, code="SKU-1", bin=None)
    with pytest.raises(ValidationError, match="not part of"):
        counting.scan(world, actor=PACKER, count_id=count.id, code="SKU-1", bin="WH1-A-02")


def test_an_approved_count_takes_no_more_scans_and_leaves_the_open_list(world):
    count = counting.start_count(world, actor=PACKER, bins=["WH1-A-03"])
    _scan(world, count, "WH1-A-03")
    counting.approve(world, actor=SUPERVISOR, count_id=count.id)
    with pytest.raises(ConcurrentChange, match=f"{count.label} was approved by sue at "):
        _scan(world, count, "WH1-A-03")
    assert counting.open_counts(world, actor=PACKER) == []


def test_a_count_runs_headless_from_the_command_line(world, capsys, cli_admin):
    from oms_desktop.cli import main
    url = world.url
    assert main(["count", "start", "WH1-A-01", "--db", url]) == 0
    assert "COUNT-1  open  bins not counted: WH1-A-01" in capsys.readouterr().out
    assert main(["count", "set", "COUNT-1", "WH1-A-01", "SKU-1", "9", "--db", url]) == 0
    assert main(["count", "approve", "COUNT-1", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "COUNT-1  approved" in out and "-1" in out
    assert _on_hand(world, "SKU-1", "WH1-A-01") == 9
    assert main(["count", "show", "nope", "--db", url]) == 1


def test_an_open_count_shows_what_approval_will_post_against_stock_now(world):
    count = counting.start_count(world, actor=PACKER, bins=["WH1-A-01"])
    stock.receive(world, actor=PACKER, sku="SKU-2", location="WH1-A-01", quantity=3)
    stock.move(world, actor=PACKER, sku="SKU-1", source="WH1-A-01", target="WH1-A-02",
               quantity=2)
    _scan(world, count, "WH1-A-01", *["SKU-1"] * 7)
    view = counting.count_view(world, actor=SUPERVISOR, count_id=count.id)
    assert [(ln.sku, ln.expected, ln.counted, ln.on_hand, ln.to_post) for ln in view.lines] == [
        ("SKU-1", 10, 7, 8, -1), ("SKU-2", 0, 0, 3, -3)]
    done = counting.approve(world, actor=SUPERVISOR, count_id=count.id)
    assert [(ln.sku, ln.on_hand, ln.to_post) for ln in done.lines] == [
        ("SKU-1", None, -1), ("SKU-2", None, -3)]
    assert stock.reconcile(world) == []
