"""Buying a label without doubling or losing it, whatever crashes and however many stations
try at once.

1. `begin`: with the shipment's row locked, the purchase is recorded in a transaction of its
   own (carrier, rate, the carrier's own shipment id, a key), unless the shipment has a label
   or another purchase is under way (the database also allows one open purchase a shipment);
2. the carrier is asked, outside any transaction;
3. `store`: the label is stored and the purchase marked stored, in one transaction.

A purchase left open (its process gone, or older than `shipping.purchase_timeout` seconds) is
settled by the next attempt for the shipment, or at the carrier's close-out: the carrier is
asked what it sold (`Carrier.find_purchase`; neither EasyPost nor Shippo takes an idempotency
key for buying, so the look-up is by their own shipment or rate id). A label found is stored,
or voided if the shipment got one meanwhile; none found closes the purchase as not bought."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.carriers.base import Carrier, Label, PurchaseRef, Rate
from oms_desktop.errors import ConcurrentChange
from oms_desktop.model import (
    Actor, LabelPurchase, PurchaseStatus, Shipment, ShippingLabel, utcnow,
)
from oms_desktop.plugins.errors import PluginError
from oms_desktop.services import settings
from oms_desktop.services.conflicts import by_whom
from oms_desktop.services.shipping.carriers import active_label, make_carrier
from oms_desktop.services.shipping.label_rows import LabelResult, label_result, write_label
from oms_desktop.storage import Database

DEFAULT_TIMEOUT_S = 300
HOST = socket.gethostname()


@dataclass(frozen=True)
class Purchase:
    id: int
    shipment_id: int
    shipment: str  # SHP-<id>, for messages
    carrier: str
    ref: PurchaseRef
    choice: dict | None


def _purchase(row: LabelPurchase) -> Purchase:
    rate = Rate(row.carrier, row.service, row.amount, row.currency, None, row.rate_id,
                provider=row.provider, shipment_ref=row.rate_ref)
    return Purchase(row.id, row.shipment_id, f"SHP-{row.shipment_id}", row.carrier,
                    PurchaseRef(row.key, rate, row.format), row.choice)


def carrier(db: Database, name: str) -> Carrier:
    with db.uow(readonly=True) as uow:
        return make_carrier(uow.session, db, name)


def _locked_shipment(session: Session, shipment_id: int) -> Shipment:
    return session.scalars(sa.select(Shipment).where(Shipment.id == shipment_id)
                           .with_for_update(of=Shipment)
                           .execution_options(populate_existing=True)).one()


def refuse_if_labelled(session: Session, shipment: Shipment) -> None:
    row = active_label(session, shipment.id)
    if row is not None:
        raise ConcurrentChange(f"{shipment.label} was labelled {by_whom(row.created_by, row.created_at)}"
                          ": reprint it, or void it before buying another")


def _open(session: Session, shipment_id: int) -> LabelPurchase | None:
    return session.scalars(sa.select(LabelPurchase).where(
        LabelPurchase.shipment_id == shipment_id,
        LabelPurchase.status == PurchaseStatus.buying)).first()


def _under_way(shipment: str, row: LabelPurchase) -> ConcurrentChange:
    return ConcurrentChange(f"{shipment} is being labelled {by_whom(row.buyer, row.created_at)}")


def begin(db: Database, actor: Actor, shipment_id: int, rate: Rate, fmt: str,
          choice: dict) -> Purchase:
    """Record the purchase before the carrier is asked (committed on return)."""
    with db.uow() as uow:
        s = uow.session
        shipment = _locked_shipment(s, shipment_id)
        refuse_if_labelled(s, shipment)
        under_way = _open(s, shipment_id)
        if under_way is not None:
            raise _under_way(shipment.label, under_way)
        row = LabelPurchase(
            shipment_id=shipment_id, key=uuid.uuid4().hex, carrier=rate.carrier,
            service=rate.service, rate_id=rate.rate_id, rate_ref=rate.shipment_ref,
            provider=rate.provider,
            amount=rate.amount, currency=rate.currency, format=fmt, choice=choice,
            buyer=actor.name, station=actor.station, host=HOST, pid=os.getpid())
        s.add(row)
        s.flush()
        uow.commit()
        return _purchase(row)


def store(db: Database, actor: Actor, purchase: Purchase, label: Label) -> LabelResult:
    """Store what the carrier sold; if the shipment got a label meanwhile, void this one."""
    outcome = _store(db, actor, purchase, label)
    if isinstance(outcome, LabelResult):
        return outcome
    carrier(db, purchase.carrier).void(label)
    _close(db, purchase.id, PurchaseStatus.voided, f"voided {label.tracking_number}: {outcome}")
    raise outcome


def _store(db: Database, actor: Actor, purchase: Purchase,
           label: Label) -> LabelResult | ConcurrentChange:
    with db.uow() as uow:
        s = uow.session
        shipment = _locked_shipment(s, purchase.shipment_id)
        row = s.get(LabelPurchase, purchase.id)
        if row.label_id is not None:  # settled meanwhile by another station: the same label
            return label_result(s.get(ShippingLabel, row.label_id))
        try:
            refuse_if_labelled(s, shipment)
        except ConcurrentChange as exc:
            return exc
        stored = write_label(s, actor, shipment, label, carrier=purchase.carrier,
                             service=purchase.ref.rate.service, choice=purchase.choice,
                             provider=purchase.ref.rate.provider)
        row.status, row.label_id, row.finished_at = PurchaseStatus.stored, stored.id, utcnow()
        uow.commit()
        return label_result(stored)


def _close(db: Database, purchase_id: int, status: PurchaseStatus, note: str) -> None:
    with db.uow() as uow:
        row = uow.session.get(LabelPurchase, purchase_id)
        row.status, row.note, row.finished_at = status, note, utcnow()
        uow.commit()


def settle(db: Database, actor: Actor, shipment_id: int) -> LabelResult | None:
    """Settle the shipment's interrupted purchase, if it has one; the label it bought, or
    None. A purchase still under way at another station is refused with who and when."""
    with db.uow(readonly=True) as uow:
        row = _open(uow.session, shipment_id)
        if row is None:
            return None
        if not _abandoned(row, _timeout(uow.session)):
            raise _under_way(f"SHP-{shipment_id}", row)
        purchase = _purchase(row)
    return settle_purchase(db, actor, purchase)


def settle_purchase(db: Database, actor: Actor, purchase: Purchase) -> LabelResult | None:
    """Ask the carrier what it sold for the purchase: store that, or close it as not bought."""
    try:
        label = carrier(db, purchase.carrier).find_purchase(purchase.ref)
    except PluginError as exc:
        raise PluginError(f"{purchase.shipment}: a label purchase from {purchase.carrier} was "
                          f"interrupted and cannot be checked now ({exc}); try again") from exc
    if label is None:
        _close(db, purchase.id, PurchaseStatus.not_bought, "the carrier sold nothing")
        return None
    return store(db, actor, purchase, label)


def settle_abandoned(db: Database, actor: Actor, carrier_name: str) -> int:
    """Settle every interrupted purchase from a carrier (before its day is closed)."""
    with db.uow(readonly=True) as uow:
        timeout = _timeout(uow.session)
        rows = uow.session.scalars(sa.select(LabelPurchase).where(
            LabelPurchase.carrier == carrier_name,
            LabelPurchase.status == PurchaseStatus.buying)).all()
        abandoned = [_purchase(r) for r in rows if _abandoned(r, timeout)]
    for purchase in abandoned:
        settle_purchase(db, actor, purchase)
    return len(abandoned)


def _timeout(session: Session) -> timedelta:
    return timedelta(seconds=int(settings.get(session, "shipping.purchase_timeout",
                                              DEFAULT_TIMEOUT_S)))


def _abandoned(row: LabelPurchase, timeout: timedelta) -> bool:
    """Its process is gone (on this machine), or it has been open too long to be alive."""
    if row.host == HOST and row.pid != os.getpid() and not _alive(row.pid):
        return True
    return utcnow() - row.created_at > timeout


def _alive(pid: int) -> bool:
    if os.name != "posix":  # no harmless probe elsewhere: only the timeout tells
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
