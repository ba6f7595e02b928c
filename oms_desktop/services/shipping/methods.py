"""The shipping-method map: a shipping method as a channel names it ("Standard Shipping",
"Flat rate", "Priority Mail") maps to an installed carrier and one of its services, with a
default for methods nobody mapped. A manager edits it (the Shipping screen, `oms-desktop
shipping map …`); labels are bought through it (services/shipping/labels.py).

Each method is its own shared setting `shipping.method.<name>` (the name case-folded), so two
managers mapping two methods at once never overwrite each other; the default is
`shipping.method_default`."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from oms_desktop.carriers import registry
from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import Actor, Setting, utcnow
from oms_desktop.policies.permissions import require_setting
from oms_desktop.services import settings
from oms_desktop.storage import Database

PREFIX, DEFAULT_KEY = "shipping.method.", "shipping.method_default"
LONGEST = 64  # as Order.requested_service and the label's service


@dataclass(frozen=True)
class MethodMapping:
    method: str  # as the channel names it; "*" for the default
    carrier: str
    service: str | None  # None: the carrier's cheapest service that qualifies


def key_for(method: str) -> str:
    return PREFIX + " ".join(method.split()).casefold()


def _clean(text: str | None, what: str) -> str:
    value = " ".join((text or "").split())
    if not value:
        raise ValidationError(f"The {what} cannot be empty")
    if len(value) > LONGEST:
        raise ValidationError(f"The {what} is longer than {LONGEST} characters")
    return value


def _check_carrier(session: Session, carrier: str, service: str | None) -> None:
    """The carrier must be installed; the manual carrier's service one it is set up with."""
    registry.load().get(carrier)  # NotFound names the installed ones
    if carrier != "manual" or service is None:
        return
    from oms_desktop.carriers.manual import DEFAULT_SERVICES
    config = settings.get(session, "carrier.manual", {}) or {}
    offered = [s["service"] for s in config.get("services") or DEFAULT_SERVICES]
    if service.casefold() not in (s.casefold() for s in offered):
        raise ValidationError(f"The manual carrier offers no service {service!r} "
                              f"(set up: {', '.join(offered)})")


def _row(value) -> MethodMapping:
    return MethodMapping(value["method"], value["carrier"], value.get("service"))


# -- reading ----------------------------------------------------------------------------------
def lookup(session: Session, method: str | None) -> MethodMapping | None:
    """The mapping of a channel's method name, else the default, else None."""
    value = settings.get(session, key_for(method), None) if method and method.strip() else None
    value = value or settings.get(session, DEFAULT_KEY, None)
    return _row(value) if value else None


def list_mappings(db: Database) -> tuple[list[MethodMapping], MethodMapping | None]:
    """Every mapped method (by name) and the default."""
    with db.uow(readonly=True) as uow:
        s = uow.session
        values = s.scalars(sa.select(Setting.value).where(Setting.key.startswith(PREFIX))
                           .order_by(Setting.key)).all()
        default = settings.get(s, DEFAULT_KEY, None)
        return [_row(v) for v in values if v], _row(default) if default else None


# -- editing ----------------------------------------------------------------------------------
def set_mapping(db: Database, *, actor: Actor, method: str, carrier: str,
                service: str | None = None) -> MethodMapping:
    """Map `method` (as the channel names it) to an installed carrier and service."""
    method = _clean(method, "shipping method")
    return _write(db, actor, key_for(method), method, carrier, service)


def set_default(db: Database, *, actor: Actor, carrier: str,
                service: str | None = None) -> MethodMapping:
    """The carrier and service for every method nobody mapped."""
    return _write(db, actor, DEFAULT_KEY, "*", carrier, service)


def _write(db: Database, actor: Actor, key: str, method: str, carrier: str,
           service: str | None) -> MethodMapping:
    require_setting(actor, key)
    carrier = _clean(carrier, "carrier")
    service = _clean(service, "service") if service and service.strip() else None
    with db.uow() as uow:
        _check_carrier(uow.session, carrier, service)
        _upsert(uow.session, key, {"method": method, "carrier": carrier, "service": service})
        uow.commit()
    return MethodMapping(method, carrier, service)


def _upsert(session: Session, key: str, value: dict) -> None:
    """Two managers mapping the same new method at once: the later write wins, neither fails."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Setting).values(key=key, value=value, updated_at=utcnow())
    session.execute(statement.on_conflict_do_update(
        index_elements=["key"], set_={"value": statement.excluded.value,
                                      "updated_at": statement.excluded.updated_at}))


def remove_mapping(db: Database, *, actor: Actor, method: str) -> MethodMapping:
    """Forget a method's mapping (or the default's, for "*"); NotFound when there is none."""
    key = DEFAULT_KEY if method.strip() == "*" else key_for(_clean(method, "shipping method"))
    require_setting(actor, key)
    with db.uow() as uow:
        row = uow.session.get(Setting, key, with_for_update=True)
        if row is None or not row.value:
            raise NotFound(f"No mapping for the shipping method {method.strip()!r}")
        removed = _row(row.value)
        uow.session.delete(row)
        uow.commit()
    return removed


def installed_carriers() -> list[str]:
    """The carrier plugins a method can be mapped to."""
    return registry.load().names()
