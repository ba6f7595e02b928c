"""Pallets: a packed shipment's cartons put on pallets, each pallet labelled with an SSCC-18
of its own. A carton sits on one pallet only: the shipment is locked before the decision is
read, and the carton's key in `pallet_cartons` is the last guard, so of two stations putting
the same carton on pallets one wins and the other is told who was first. Everything a
pallet is made of is written in one transaction: a crash leaves no pallet half made."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oms_desktop.errors import ConcurrentChange, NotFound, ValidationError
from oms_desktop.model import (
    SHIPPED_STATES, Actor, Package, Pallet, PalletCarton, Shipment, ShipmentStatus,
)
from oms_desktop.policies.barcodes import sscc as make_sscc
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.services.shipping.carriers import (
    assign_ssccs, ensure_packages, shipment_by_ref, take_number,
)
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import when
from oms_desktop.storage.crashpoints import crash_point


@dataclass(frozen=True)
class CartonView:
    number: int
    sscc: str | None
    weight_g: int
    contents: dict  # sku -> units


@dataclass(frozen=True)
class PalletView:
    shipment: str
    number: int
    sscc: str
    cartons: tuple[CartonView, ...]
    tare_weight_g: int
    created_by: str

    @property
    def gross_weight_g(self) -> int:
        return self.tare_weight_g + sum(c.weight_g for c in self.cartons)


@dataclass(frozen=True)
class ShipmentPallets:
    shipment: str
    status: str
    pallets: tuple[PalletView, ...]
    loose: tuple[CartonView, ...]  # cartons not on a pallet


def palletise(db: Database, *, actor: Actor, shipment_id: int | str,
              cartons: list[str] | None = None, pallet: str | None = None) -> PalletView:
    """Put cartons (by SSCC or carton number; every carton not yet on a pallet when none is
    named) on a pallet of the shipment (by SSCC or number; a new one when none is named)."""
    require(actor, "floor.pack")
    with db.uow() as uow:
        s = uow.session
        shipment = _packed(s, shipment_by_ref(s, shipment_id, locked=True))
        ensure_packages(s, shipment)
        _ssccs(s, shipment)
        s.flush()
        target = _pallet(s, actor, shipment, pallet)
        taking = _cartons(s, shipment, cartons)
        for n, package in enumerate(taking):
            s.add(PalletCarton(package_id=package.id, pallet_id=target.id, placed_by=actor.name,
                               station=actor.station))
            if n == 0:
                s.flush()
                crash_point("freight.palletising")  # the pallet and one carton, uncommitted
        try:
            s.flush()
        except IntegrityError:  # another station's carton row came first (the last guard)
            raise ConcurrentChange(f"a carton of {shipment.label} was put on a pallet at "
                                   f"another station meanwhile; look again") from None
        view = _view(s, shipment, target)
        uow.commit()
        return view


def _packed(session: Session, shipment: Shipment) -> Shipment:
    if shipment.status in SHIPPED_STATES:
        raise ValidationError(f"{shipment.label} has shipped: its pallets can no longer change")
    if shipment.status != ShipmentStatus.packed:
        raise ValidationError(f"{shipment.label} is {shipment.status.value}: cartons go on "
                              f"pallets once it is packed")
    return shipment


def _ssccs(session: Session, shipment: Shipment) -> None:
    if not settings.get(session, "gs1.company_prefix"):
        raise ValidationError("pallets are labelled with SSCCs: set gs1.company_prefix first")
    assign_ssccs(session, shipment)


def _pallet(session: Session, actor: Actor, shipment: Shipment, ref: str | None) -> Pallet:
    if ref is not None:
        return pallet_of(session, shipment, ref)
    number = 1 + (session.scalar(sa.select(sa.func.max(Pallet.number))
                                 .where(Pallet.shipment_id == shipment.id)) or 0)
    prefix = settings.get(session, "gs1.company_prefix")
    extension = int(settings.get(session, "gs1.sscc_extension", 0))
    pallet = Pallet(shipment_id=shipment.id, number=number, created_by=actor.name,
                    sscc=make_sscc(prefix, take_number(session, "sscc"), extension))
    session.add(pallet)
    session.flush()
    return pallet


def pallet_of(session: Session, shipment: Shipment, ref: str) -> Pallet:
    text = str(ref).strip().removeprefix("00").removeprefix("(00)")
    query = sa.select(Pallet).where(Pallet.shipment_id == shipment.id)
    found = session.scalar(query.where(
        Pallet.sscc == text if len(text) == 18 else Pallet.number == _int(text, "pallet")))
    if found is None:
        raise NotFound(f"{shipment.label} has no pallet {ref!r}")
    return found


def _int(text: str, what: str) -> int:
    if not text.isdigit():
        raise ValidationError(f"{text!r} is neither a {what} number nor an SSCC")
    return int(text)


def _cartons(session: Session, shipment: Shipment, refs: list[str] | None) -> list[Package]:
    placed = dict(session.execute(
        sa.select(PalletCarton.package_id, PalletCarton).join(Package)
        .where(Package.shipment_id == shipment.id)).all())
    if refs is None:
        free = [p for p in shipment.packages if p.id not in placed]
        if not free:
            raise ValidationError(f"every carton of {shipment.label} is on a pallet already")
        return free
    taking = [_carton(shipment, ref) for ref in refs]
    for package in taking:
        if package.id in placed:
            raise _already(session, package, placed[package.id])
    return taking


def _carton(shipment: Shipment, ref: str) -> Package:
    text = str(ref).strip().removeprefix("(00)")
    text = text[2:] if len(text) == 20 and text.startswith("00") else text
    for package in shipment.packages:
        if package.sscc == text or (len(text) < 18 and text.isdigit()
                                    and package.number == int(text)):
            return package
    raise NotFound(f"{shipment.label} has no carton {ref!r}")


def _already(session: Session, package: Package, row: PalletCarton) -> ConcurrentChange:
    on = session.get(Pallet, row.pallet_id)
    where = f" ({row.station})" if row.station else ""
    return ConcurrentChange(f"carton {package.sscc or package.number} is already on pallet "
                            f"{on.number} ({on.sscc}): put there by {row.placed_by}{where} at "
                            f"{when(row.placed_at)}")


# -- reading ----------------------------------------------------------------------------------
def _carton_view(p: Package) -> CartonView:
    return CartonView(p.number, p.sscc, p.weight_g or 0, dict(p.contents or {}))


def _view(session: Session, shipment: Shipment, pallet: Pallet) -> PalletView:
    ids = set(session.scalars(sa.select(PalletCarton.package_id)
                              .where(PalletCarton.pallet_id == pallet.id)))
    return PalletView(shipment.label, pallet.number, pallet.sscc,
                      tuple(_carton_view(p) for p in shipment.packages if p.id in ids),
                      pallet.tare_weight_g, pallet.created_by)


def pallets_in(session: Session, shipment: Shipment) -> ShipmentPallets:
    pallets = session.scalars(sa.select(Pallet).where(Pallet.shipment_id == shipment.id)
                              .order_by(Pallet.number)).all()
    views = tuple(_view(session, shipment, p) for p in pallets)
    on = {c.number for v in views for c in v.cartons}
    return ShipmentPallets(shipment.label, shipment.status.value, views,
                           tuple(_carton_view(p) for p in shipment.packages if p.number not in on))


def shipment_pallets(db: Database, shipment_id: int | str) -> ShipmentPallets:
    with db.uow(readonly=True) as uow:
        return pallets_in(uow.session, shipment_by_ref(uow.session, shipment_id))


def tares(session: Session, shipment_id: int) -> list[tuple[str, list[int]]]:
    """(pallet SSCC, package ids on it) of a shipment, by pallet number: the 856's tares."""
    rows = session.execute(
        sa.select(Pallet.sscc, PalletCarton.package_id).join(
            PalletCarton, PalletCarton.pallet_id == Pallet.id)
        .where(Pallet.shipment_id == shipment_id)
        .order_by(Pallet.number, PalletCarton.package_id)).all()
    out: dict[str, list[int]] = {}
    for sscc, package_id in rows:
        out.setdefault(sscc, []).append(package_id)
    return list(out.items())
