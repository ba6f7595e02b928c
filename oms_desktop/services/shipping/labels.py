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

from oms_desktop.carriers.base import Label, Rate, ShipmentDTO
from oms_desktop.errors import InvalidTransition, OmsError, ValidationError
from oms_desktop.model import (
    Actor, AuditEvent, LocationKind, Reservation, ReservationStatus, Shipment, ShipmentStatus,
    ShippingLabel, utcnow,
)
from oms_desktop.plugins.errors import PluginError
from oms_desktop.policies import rate_shop
from oms_desktop.policies.permissions import require
from oms_desktop.services import events, messagebus
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import virtual_location
from oms_desktop.services.shipping import printing
from oms_desktop.services.shipping.carriers import (
    active_label, assign_ssccs, enabled_carriers, ensure_packages, make_carrier, ship_day,
    shipment_by_ref, shipment_dto,
)
from oms_desktop.storage import Database


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


@dataclass(frozen=True)
class LabelResult:
    label_id: int
    shipment_id: int
    carrier: str
    service: str
    tracking_number: str
    format: str
    cost: Decimal
    currency: str
    ship_day: date
    content: bytes
    sscc: tuple[str, ...]


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
        order = shipment.order
        forced_carrier = carrier or order.carrier
        requirement = rate_shop.Requirement(
            ship_day=ship_day(s, forced_carrier or "default"), deliver_by=order.deliver_by,
            ship_by=order.ship_by, service_level=order.requested_service,
            carrier=forced_carrier, service=service or order.service)
        carriers = [forced_carrier] if forced_carrier else enabled_carriers(s)
        prepared = _Prepared(shipment_dto(s, shipment), requirement, carriers)
        uow.commit()
        return prepared


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
    choice and the alternatives on the shipment. The shipment stays packed until close-out."""
    require(actor, "shipping.label")
    if fmt not in ("pdf", "zpl"):
        raise ValidationError(f"Label format must be pdf or zpl, not {fmt!r}")
    _refuse_second_label(db, shipment_id)
    prepared = _prepare(db, shipment_id, carrier, service)
    rates_, choice, errors = _shop(db, prepared)
    if choice.chosen is None:
        raise NoSuitableRate(f"No rate for SHP-{prepared.dto.id}: {choice.reason}")
    rate = next(r for r in rates_ if r.rate_id == choice.chosen.rate_id
                and r.carrier == choice.chosen.carrier)
    with db.uow(readonly=True) as uow:
        plugin = make_carrier(uow.session, db, rate.carrier)
    label = plugin.buy(prepared.dto, rate, fmt)
    try:
        return _store_label(db, actor, prepared.dto.id, label, rate,
                            _result(prepared.dto.id, choice, errors))
    except Exception:
        plugin.void(label)
        raise


def _refuse_second_label(db: Database, shipment_id) -> None:
    with db.uow(readonly=True) as uow:
        shipment = shipment_by_ref(uow.session, shipment_id)
        if active_label(uow.session, shipment.id) is not None:
            raise ValidationError(f"{shipment.label} already has a label: reprint it, or void "
                                  "it before buying another")


def _choice_json(result: RatesResult) -> dict:
    def row(v: RateView) -> dict:
        return {"carrier": v.carrier, "service": v.service, "amount": str(v.amount),
                "currency": v.currency, "days": v.estimated_days,
                "arrives": v.arrives.isoformat() if v.arrives else None,
                "meets": v.meets, "why_not": v.why_not}
    return {"chosen": row(result.chosen) if result.chosen else None,
            "alternatives": [row(v) for v in result.rates], "reason": result.reason,
            "late_shipping": result.late_shipping, "errors": result.errors}


def _store_label(db: Database, actor: Actor, shipment_id: int, label: Label, rate: Rate,
                 result: RatesResult) -> LabelResult:
    with db.uow() as uow:
        s = uow.session
        shipment = s.get(Shipment, shipment_id)
        row = ShippingLabel(
            shipment_id=shipment.id, carrier=rate.carrier, service=label.service or rate.service,
            provider=label.provider or rate.provider, tracking_url=label.tracking_url,
            tracking_number=label.tracking_number, format=label.format, content=label.content,
            cost=label.cost, currency=label.currency, carrier_ref=label.carrier_ref,
            sscc=list(label.sscc) or [p.sscc for p in shipment.packages if p.sscc] or None,
            ship_day=ship_day(s, rate.carrier), created_by=actor.name)
        s.add(row)
        shipment.carrier, shipment.service = row.carrier, row.service
        shipment.provider, shipment.tracking_url = row.provider, row.tracking_url
        shipment.tracking_number, shipment.shipping_cost = row.tracking_number, row.cost
        shipment.rate_choice, shipment.tracking_status = _choice_json(result), None
        for package in shipment.packages:
            package.tracking_number = row.tracking_number
        _audit(shipment, actor, "label", {"carrier": row.carrier, "provider": row.provider,
                                          "service": row.service,
                                          "tracking_number": row.tracking_number,
                                          "cost": str(row.cost)})
        s.flush()
        uow.commit()
        return label_result(row)


def label_result(row: ShippingLabel) -> LabelResult:
    return LabelResult(row.id, row.shipment_id, row.carrier, row.service, row.tracking_number,
                       row.format, row.cost, row.currency, row.ship_day, row.content,
                       tuple(row.sscc or ()))


def _audit(shipment: Shipment, actor: Actor, action: str, detail: dict) -> None:
    shipment.order.audit.add(AuditEvent.of(actor, entity="shipment", entity_id=shipment.id,
                                           order_id=shipment.order_id, action=action,
                                           detail=detail))


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
        label_id = row.id
        dto = Label(row.tracking_number, b"", row.format, row.cost, row.currency,
                    row.carrier_ref, row.service)
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
        _audit(shipment, actor, "label_void", {"tracking_number": row.tracking_number})
        uow.commit()
        return label_result(row)


# -- shipping ----------------------------------------------------------------------------------
def ship(session: Session, shipment: Shipment, *, by: Actor) -> None:
    """Hand a packed shipment over: its reservations leave stock for the CUSTOMER location,
    it becomes shipped, and "shipment.shipped" is published in the same transaction."""
    customer = virtual_location(session, LocationKind.customer)
    line_ids = [line.id for line in shipment.lines]
    reservations = session.scalars(sa.select(Reservation).where(
        Reservation.shipment_line_id.in_(line_ids),
        Reservation.status == ReservationStatus.active)).all() if line_ids else []
    for reservation in reservations:
        stock_ops.consume(session, reservation, target=customer, by=by,
                          reference=shipment.label)
    shipment.ship(by=by, tracking_number=shipment.tracking_number)
    messagebus.publish(session, events.ShipmentShipped(
        actor=by, order_id=shipment.order_id, shipment_id=shipment.id,
        product_ids=tuple(sorted({r.product_id for r in reservations})),
        tracking_number=shipment.tracking_number, tracking_url=shipment.tracking_url))


def mark_shipped(db: Database, *, actor: Actor, shipment_id) -> str:
    require(actor, "shipping.label")
    with db.uow() as uow:
        shipment = shipment_by_ref(uow.session, shipment_id)
        ship(uow.session, shipment, by=actor)
        uow.commit()
        return shipment.status.value


def print_label(db: Database, *, actor: Actor, shipment_id, printer=None):
    """Queue the shipment's current label for a printer profile (default: the station's label
    printer) and send it; returns the PrintJobView (see services/shipping/printing.py)."""
    return printing.print_label(db, actor=actor, shipment_id=shipment_id, printer=printer)
