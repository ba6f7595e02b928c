"""Labels bought from the manual carrier through the shipping services (one voided and
bought again), on a day of the carrier's clock, then shipped; a channel's fee."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from oms_desktop.model import SYSTEM, Order, Shipment
from oms_desktop.services import settings
from oms_desktop.services.shipping import labels
from oms_desktop.storage import Database
from tests.books.world import shipped

RATES = [{"service": "Courier", "amount": "4.50", "days": 1},
         {"service": "Economy", "amount": "2.90", "days": 4}]


def manual_carrier(db: Database) -> None:
    with db.uow() as uow:
        settings.put(uow.session, "shipping.carriers", ["manual"])
        settings.put(uow.session, "carrier.manual", {"services": RATES})
        uow.commit()


def labelled(db: Database, monkeypatch, lines: dict[str, int], *, at: datetime,
             service: str = "Economy", void_first: bool = False, **order) -> int:
    """An order packed, labelled by the manual carrier at `at` (its ship day), shipped."""
    order_id = shipped(db, lines, pack_only=True, **order)
    with db.uow(readonly=True) as uow:
        sid = uow.session.scalar(sa.select(Shipment.id).where(Shipment.order_id == order_id))
    with monkeypatch.context() as clock:
        clock.setattr("oms_desktop.services.shipping.carriers.utcnow", lambda: at)
        if void_first:  # bought, voided (refunded by the carrier), bought again
            labels.create_label(db, actor=SYSTEM, shipment_id=sid, carrier="manual",
                                service="Courier")
            labels.void_label(db, actor=SYSTEM, shipment_id=sid)
        labels.create_label(db, actor=SYSTEM, shipment_id=sid, carrier="manual",
                            service=service)
    with monkeypatch.context() as clock, db.uow() as uow:
        clock.setattr("oms_desktop.model.shipment.utcnow", lambda: at)
        s = uow.session
        labels.ship(s, s.get(Shipment, sid), by=SYSTEM)
        s.get(Order, order_id).complete(by=SYSTEM)
        uow.commit()
    return order_id
