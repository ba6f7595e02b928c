import sqlalchemy as sa

from oms_desktop.model import Order, Package, Shipment
from oms_desktop.demo.seed import seed_demo
from oms_desktop.services.orders.views import get_order, queue_counts


def test_the_detail_shows_stock_per_location_packages_and_the_timeline(db):
    seed_demo(db, orders=300)
    with db.uow() as uow:
        shipment = uow.session.scalars(sa.select(Shipment).where(
            Shipment.tracking_number.is_not(None)).limit(1)).first()
        shipment.packages.append(Package(number=1, tracking_number="1Z999", weight_g=900))
        shipped = shipment.order_id
        held = uow.session.scalar(sa.select(Order.id).where(Order.status == "on_hold").limit(1))
        uow.commit()
    detail = get_order(db, shipped)
    packages = [p for sh in detail.shipments for p in sh.packages]
    assert [(p.tracking_number, p.weight_g) for p in packages] == [("1Z999", 900)]
    assert detail.totals["total"] == detail.summary.total and detail.customer is not None
    assert detail.timeline and all(e.actor for e in detail.timeline)
    on_hold = get_order(db, held)
    assert any(h.released_at is None for h in on_hold.holds)
    assert "release" in on_hold.allowed_actions and "verify" not in on_hold.allowed_actions
    assert any(line.available for line in on_hold.lines)


def test_the_sidebar_counts_agree_with_the_orders(db):
    seed_demo(db, orders=300)
    counts = queue_counts(db)
    with db.uow(readonly=True) as uow:
        held = uow.session.scalar(sa.select(sa.func.count()).select_from(Order)
                                  .where(Order.status == "on_hold"))
    assert counts.on_hold == held and counts.new > 0
