"""Shipping use cases: rate shopping, buying or rendering a label, voiding it, and marking a
shipment shipped (which consumes its reservations and publishes "shipment.shipped").

Carrier calls happen between two short units of work, never inside one: the first prepares
the shipment (packages, SSCCs) and builds the DTO, the second stores what the carrier sold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.carriers import registry
from oms_desktop.carriers.base import Rate, ShipmentDTO
from oms_desktop.errors import InvalidTransition, OmsError, ValidationError
from oms_desktop.model import (
    Actor, LocationKind, Reservation, ReservationStatus, Shipment, ShipmentStatus,
    ShippingLabel, utcnow,
)
from oms_desktop.plugins.errors import PluginError
from oms_desktop.policies import rate_shop
from oms_desktop.policies.permissions import require
from oms_desktop.services import events, messagebus
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import virtual_location
from oms_desktop.services.shipping import methods, printing, purchases
from oms_desktop.services.shipping.carriers import (
    active_label, assign_ssccs, enabled_carriers, ensure_packages, make_carrier, ship_day,
    shipment_by_ref, shipment_dto,
)
from oms_desktop.services.shipping.label_rows import (  # noqa: F401 - part of this API
    LabelResult, audit, label_dto, label_result,
)
from oms_desktop.storage import Database
from oms_desktop.storage.crashpoints import crash_point


class NoSuitableRate(OmsError):
    pass


@dataclass(frozen=True)
class RateView:
    carrier: str
    service: str
    amount: Decimal
    currency: str
    estimated_days: int | None
    arrives: date | None
    meets: bool
    why_not: str | None
    rate_id: str


@dataclass(frozen=True)
class RatesResult:
    shipment_id: int
    chosen: RateView | None
    rates: tuple[RateView, ...]
    reason: str
    late_shipping: bool
    errors: dict[str, str]  # carrier -> why it gave no rates


@dataclass
class _Prepared:
    dto: ShipmentDTO
    requirement: rate_shop.Requirement
    carriers: list[str]


# -- preparing and rating ---------------------------------------------------------------------
def _prepare(db: Database, shipment_id, carrier: str | None, service: str | None) -> _Prepared:
    with db.uow() as uow:
        s = uow.session
        shipment = shipment_by_ref(s, shipment_id)
        if shipment.status != ShipmentStatus.packed:
            raise InvalidTransition(f"{shipment.label} is {shipment.status.value}: "
                                    "only a packed shipment gets a label")
        ensure_packages(s, shipment)
        s.flush()
        assign_ssccs(s, shipment)
        forced_carrier, forced_service, level = _forced(s, shipment.order, carrier, service)
        requirement = rate_shop.Requirement(
            ship_day=ship_day(s, forced_carrier or "default"),
            deliver_by=shipment.order.deliver_by, ship_by=shipment.order.ship_by,
            service_level=level, carrier=forced_carrier, service=forced_service)
        carriers = [forced_carrier] if forced_carrier else enabled_carriers(s)
        prepared = _Prepared(shipment_dto(s, shipment), requirement, carriers)
        uow.commit()
        return prepared


def _forced(session: Session, order, carrier: str | None, service: str | None):
    """(carrier, service, service level) a label is bought with. The person's --carrier and
    --service first; then a rule's choice (an installed carrier, or a service alone); then the
    shipping-method map (the channel's method name, else the default); else rate shopping
    over the enabled carriers within the requested service level."""
    ruled = order.carrier in registry.load().classes or (order.carrier is None and order.service)
    if not carrier and ruled:
        carrier, service = order.carrier, service or order.service
    mapped = None if carrier else methods.lookup(
        session, order.requested_service or order.service)
    if mapped is not None:  # the manager's choice for this method stands for its level
        return mapped.carrier, service or mapped.service, None
    return carrier, service, None if service else order.requested_service


def _collect_rates(db: Database, prepared: _Prepared) -> tuple[list[Rate], dict[str, str]]:
    rates, errors = [], {}
    for name in prepared.carriers:
        with db.uow(readonly=True) as uow:
            carrier = make_carrier(uow.session, db, name)
        try:
            rates.extend(carrier.rates(prepared.dto))
        except PluginError as exc:
            if len(prepared.carriers) == 1:
                raise
            errors[name] = str(exc)
    return rates, errors


def _option(rate: Rate) -> rate_shop.RateOption:
    return rate_shop.RateOption(rate.carrier, rate.service, rate.amount, rate.currency,
                                rate.estimated_days, rate.rate_id)


def _view(v: rate_shop.Verdict) -> RateView:
    o = v.option
    return RateView(o.carrier, o.service, o.amount, o.currency, o.estimated_days, v.arrives,
                    v.meets, v.why_not, o.rate_id)


def _shop(db: Database, prepared: _Prepared):
    rates, errors = _collect_rates(db, prepared)
    choice = rate_shop.choose([_option(r) for r in rates], prepared.requirement)
    return rates, choice, errors


def _result(shipment_id: int, choice: rate_shop.RateChoice, errors) -> RatesResult:
    views = tuple(_view(v) for v in choice.verdicts)
    chosen = next((v for v in views if v.meets), None)
    return RatesResult(shipment_id, chosen, views, choice.reason, choice.late_shipping, errors)


def rates(db: Database, *, actor: Actor, shipment_id, carrier: str | None = None,
          service: str | None = None) -> RatesResult:
    """Every rate on offer for a packed shipment, which one rate shopping picks, and why."""
    require(actor, "shipping.label")
    prepared = _prepare(db, shipment_id, carrier, service)
    _, choice, errors = _shop(db, prepared)
    return _result(prepared.dto.id, choice, errors)


# -- labels ------------------------------------------------------------------------------------
def create_label(db: Database, *, actor: Actor, shipment_id, carrier: str | None = None,
                 service: str | None = None, fmt: str = "pdf") -> LabelResult:
    """Shop the rates (or take the forced carrier/service), buy the label, store it with the
    choice and the alternatives on the shipment. The shipment stays packed until close-out.
    The purchase is recorded before the carrier is asked (services/shipping/purchases.py):
    an interrupted one is settled first, and its label returned if it was bought."""
    require(actor, "shipping.label")
    if fmt not in ("pdf", "zpl"):
        raise ValidationError(f"Label format must be pdf or zpl, not {fmt!r}")
    sid = _refuse_second_label(db, shipment_id)
    settled = purchases.settle(db, actor, sid)
    if settled is not None:
        return settled
    prepared = _prepare(db, sid, carrier, service)
    rates_, choice, errors = _shop(db, prepared)
    if choice.chosen is None:
        raise NoSuitableRate(f"No rate for SHP-{sid}: {choice.reason}")
    rate = next(r for r in rates_ if r.rate_id == choice.chosen.rate_id
                and r.carrier == choice.chosen.carrier)
    purchase = purchases.begin(db, actor, sid, rate, fmt,
                               _choice_json(_result(sid, choice, errors)))
    crash_point("label.intent")
    return _buy(db, actor, purchase, prepared.dto)


def _buy(db: Database, actor: Actor, purchase: purchases.Purchase,
         dto: ShipmentDTO) -> LabelResult:
    try:
        label = purchases.carrier(db, purchase.carrier).buy(dto, purchase.ref.rate,
                                                             purchase.ref.label_format)
    except OmsError:  # refused, or the answer was lost: ask what was sold
        settled = purchases.settle_purchase(db, actor, purchase)
        if settled is None:
            raise
        return settled
    crash_point("label.bought")
    stored = purchases.store(db, actor, purchase, label)
    crash_point("label.stored")
    return stored


def _refuse_second_label(db: Database, shipment_id) -> int:
    with db.uow(readonly=True) as uow:
        shipment = shipment_by_ref(uow.session, shipment_id)
        purchases.refuse_if_labelled(uow.session, shipment)
        return shipment.id


def _choice_json(result: RatesResult) -> dict:
    def row(v: RateView) -> dict:
        return {"carrier": v.carrier, "service": v.service, "amount": str(v.amount),
                "currency": v.currency, "days": v.estimated_days,
                "arrives": v.arrives.isoformat() if v.arrives else None,
                "meets": v.meets, "why_not": v.why_not}
    return {"chosen": row(result.chosen) if result.chosen else None,
            "alternatives": [row(v) for v in result.rates], "reason": result.reason,
            "late_shipping": result.late_shipping, "errors": result.errors}


def current_label(db: Database, shipment_id) -> LabelResult:
    """The shipment's label as first stored (for a reprint: the same bytes)."""
    with db.uow(readonly=True) as uow:
        shipment = shipment_by_ref(uow.session, shipment_id)
        row = active_label(uow.session, shipment.id)
        if row is None:
            raise ValidationError(f"{shipment.label} has no label")
        return label_result(row)


def void_label(db: Database, *, actor: Actor, shipment_id) -> LabelResult:
    """Refund the label with the carrier; the shipment stays packed and may be relabelled.
    A label already handed over (manifested / shipped) cannot be voided."""
    require(actor, "shipping.void")
    with db.uow(readonly=True) as uow:
        shipment = shipment_by_ref(uow.session, shipment_id)
        row = active_label(uow.session, shipment.id)
        if row is None:
            raise ValidationError(f"{shipment.label} has no label to void")
        if row.manifest_id is not None or shipment.status != ShipmentStatus.packed:
            raise ValidationError(f"{shipment.label} was handed to the carrier; "
                                  "its label can no longer be voided")
        plugin = make_carrier(uow.session, db, row.carrier)
        label_id, dto = row.id, label_dto(row)
    plugin.void(dto)
    return _mark_void(db, actor, label_id)


def _mark_void(db: Database, actor: Actor, label_id: int) -> LabelResult:
    with db.uow() as uow:
        row = uow.session.get(ShippingLabel, label_id)
        row.voided_at = utcnow()
        shipment = row.shipment
        shipment.tracking_number, shipment.shipping_cost = None, None
        shipment.provider, shipment.tracking_url = None, None
        for package in shipment.packages:
            package.tracking_number = None
        audit(shipment, actor, "label_void", {"tracking_number": row.tracking_number})
        uow.commit()
        return label_result(row)


# -- shipping ----------------------------------------------------------------------------------
def ship(session: Session, shipment: Shipment, *, by: Actor) -> None:
    """Hand a packed shipment over: its reservations leave stock for the CUSTOMER location,
    it becomes shipped, and "shipment.shipped" is published in the same transaction."""
    shipment.ship(by=by, tracking_number=shipment.tracking_number)  # refused before any stock
    customer = virtual_location(session, LocationKind.customer)
    line_ids = [line.id for line in shipment.lines]
    reservations = session.scalars(sa.select(Reservation).where(
        Reservation.shipment_line_id.in_(line_ids),
        Reservation.status == ReservationStatus.active)
        .order_by(Reservation.stock_level_id, Reservation.id)).all() if line_ids else []
    for reservation in reservations:  # stock rows in id order, as every other writer
        stock_ops.consume(session, reservation, target=customer, by=by,
                          reference=shipment.label)
    messagebus.publish(session, events.ShipmentShipped(
        actor=by, order_id=shipment.order_id, shipment_id=shipment.id,
        product_ids=tuple(sorted({r.product_id for r in reservations})),
        tracking_number=shipment.tracking_number, tracking_url=shipment.tracking_url))


def mark_shipped(db: Database, *, actor: Actor, shipment_id) -> str:
    require(actor, "shipping.label")
    with db.uow() as uow:
        shipment = shipment_by_ref(uow.session, shipment_id, locked=True)
        ship(uow.session, shipment, by=actor)
        uow.commit()
        return shipment.status.value


def print_label(db: Database, *, actor: Actor, shipment_id, printer=None):
    """Queue the shipment's current label for a printer profile (default: the station's label
    printer) and send it; returns the PrintJobView (see services/shipping/printing.py)."""
    return printing.print_label(db, actor=actor, shipment_id=shipment_id, printer=printer)
