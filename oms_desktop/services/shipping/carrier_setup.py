"""Setting up a carrier account: its settings (shared, in the database), its API key (in the OS
keyring, never in the database), and a test of rates against the carrier before or after
saving. Two admins saving the same carrier at once: the row of the carrier's set-up record is
locked and its version compared with the one the admin saw, so one save wins and the other is
told who saved it and when; nothing of the refused save is kept, its key included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from oms_desktop.carriers import credentials, registry
from oms_desktop.carriers.base import AddressDTO, CarrierApi, ParcelDTO, Rate, ShipmentDTO
from oms_desktop.errors import ConcurrentChange, ValidationError
from oms_desktop.model import Actor, Location, Setting, utcnow
from oms_desktop.model.location import SITE_KINDS
from oms_desktop.plugins import secrets
from oms_desktop.policies.permissions import require_setting
from oms_desktop.services import settings
from oms_desktop.services.shipping.carriers import next_number, site_address
from oms_desktop.storage import Database

CARRIERS_KEY = "shipping.carriers"
# A parcel and an address every carrier rates: 1 kg in a 30 x 20 x 15 cm box, to Newark.
TEST_PARCEL = ParcelDTO(1, 1000, 300, 200, 150)
TEST_TO = AddressDTO(name="Rate test", street1="1 Main St", city="Newark", postal_code="07102",
                     country="US", region="NJ")


@dataclass(frozen=True)
class CarrierSetup:
    name: str
    title: str
    enabled: bool
    config: dict[str, Any]
    has_key: bool
    version: int  # what a save must name to change it (0: never saved)
    saved_by: str | None
    saved_at: datetime | None


@dataclass(frozen=True)
class RateLine:
    service: str
    amount: str
    currency: str
    days: int | None

    def __str__(self) -> str:
        days = f", {self.days} day{'s' if self.days != 1 else ''}" if self.days else ""
        return f"{self.service}: {self.amount} {self.currency}{days}"


def record_key(name: str) -> str:
    return f"carrier.{name}.saved"


def carrier_names() -> list[str]:
    return registry.load().names()


def carrier_setup(db: Database, name: str) -> CarrierSetup:
    """What is saved for a carrier, with the version a save must name."""
    cls = registry.load().get(name)
    with db.uow(readonly=True) as uow:
        s = uow.session
        record = settings.get(s, record_key(name)) or {}
        return CarrierSetup(name, cls.title, name in settings.get(s, CARRIERS_KEY, ["manual"]),
                            dict(settings.get(s, f"carrier.{name}", {}) or {}),
                            _has_key(name), int(record.get("version", 0)), record.get("by"),
                            _when(record.get("at")))


def save_carrier(db: Database, *, actor: Actor, name: str, config: dict[str, Any],
                 api_key: str | None = None, seen_version: int | None = None) -> CarrierSetup:
    """Check and keep a carrier's settings, enable it, and put its key in the keyring (an
    empty key keeps the one there). `seen_version` (from carrier_setup) refuses the save
    if another admin saved the carrier since; None saves whatever is there."""
    require_setting(actor, f"carrier.{name}")
    cls = registry.load().get(name)
    clean = cls.checked_settings(config)
    if not (api_key or "").strip() and not _has_key(name) and _needs_key(name):
        raise ValidationError(f"{cls.title} needs its API key")
    with db.uow() as uow:
        s = uow.session
        record = _locked(s, record_key(name), {"version": 0})
        version = int(record.value.get("version", 0))
        if seen_version is not None and version != seen_version:
            raise _changed_since(cls.title, record.value)
        settings.put(s, f"carrier.{name}", clean)
        enabled = _locked(s, CARRIERS_KEY, ["manual"])
        if name not in enabled.value:
            enabled.value = [*enabled.value, name]
        record.value = {"version": version + 1, "by": actor.name, "at": utcnow().isoformat()}
        if (api_key or "").strip():  # under the lock: a refused save never replaces the key
            credentials.store_api_key(name, api_key.strip())
        uow.commit()
    return carrier_setup(db, name)


def test_rates(db: Database, *, name: str, config: dict[str, Any] | None = None,
               api_key: str | None = None) -> list[RateLine]:
    """Rates for a 1 kg test parcel from the first site to a test address, with the settings
    and key given (those saved when None): proof the account answers before a real order."""
    cls = registry.load().get(name)
    with db.uow(readonly=True) as uow:
        s = uow.session
        saved = settings.get(s, f"carrier.{name}", {}) or {}
        ship_from = _ship_from(s)
    key = (api_key or "").strip()
    api = CarrierApi(secret=(lambda _n: key) if key else credentials.api_key,
                     next_number=lambda n: next_number(db, n))
    carrier = registry.create(name, cls.checked_settings(saved if config is None else config),
                              api)
    shipment = ShipmentDTO(id=0, reference="RATE-TEST", ship_from=ship_from, ship_to=TEST_TO,
                           parcels=(TEST_PARCEL,))
    rates: list[Rate] = carrier.rates(shipment)
    return [RateLine(r.service, f"{r.amount:.2f}", r.currency, r.estimated_days)
            for r in sorted(rates, key=lambda r: r.amount)]


def _ship_from(s: Session) -> AddressDTO:
    site = s.scalar(sa.select(Location).where(Location.kind.in_(list(SITE_KINDS)))
                    .order_by(Location.id).limit(1))
    if site is None or not (site.address_line1 and site.city and site.postal_code):
        company = settings.get(s, "company.name", "Rate test")
        return AddressDTO(name=company, street1="388 Townsend St", city="San Francisco",
                          postal_code="94107", country="US", region="CA")
    return site_address(s, site)


def _locked(s: Session, key: str, initial: Any) -> Setting:
    """The setting row `key`, made if missing and locked for this transaction: stations
    saving at once all find one row to wait on."""
    dialect = s.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    s.execute(insert(Setting).values(key=key, value=initial, updated_at=utcnow())
              .on_conflict_do_nothing(index_elements=["key"]))
    return s.get(Setting, key, with_for_update=True, populate_existing=True)


def _changed_since(title: str, record: dict) -> ConcurrentChange:
    when = _when(record.get("at"))
    at = f" at {when:%H:%M:%S}" if when else ""
    return ConcurrentChange(f"{title} was saved by {record.get('by', 'someone')}{at} while you "
                            "were editing it; look at it again and save once more",
                            subject=title)


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _has_key(name: str) -> bool:
    try:
        return bool(secrets.get(secrets.carrier_secret(name)))
    except Exception:  # noqa: BLE001 - a keyring that refuses counts as no key
        return False


def _needs_key(name: str) -> bool:
    return name != "manual"
