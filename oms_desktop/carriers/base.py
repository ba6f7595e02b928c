"""The carrier plugin contract: plain DTOs in and out, typed errors, declared settings.

A carrier never gets a Session. It is built with its settings (a dict checked against its
declared SETTINGS) and a CarrierApi: the small object through which the host gives it
credentials, a number sequence and a clock."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, ClassVar

from oms_desktop.plugins.errors import NotSupported, PluginError
from oms_desktop.plugins.settings import SettingField, check_settings


# -- errors (the shared ones come from the plugin kit) -------------------------------------
class CarrierError(PluginError):
    """A carrier refused a request."""


class AddressRejected(CarrierError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# -- DTOs ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AddressDTO:
    name: str
    street1: str
    city: str
    postal_code: str
    country: str
    street2: str | None = None
    region: str | None = None
    company: str | None = None
    phone: str | None = None
    email: str | None = None

    def lines(self) -> list[str]:
        """The address as printed on a label, top to bottom."""
        city = " ".join(p for p in (self.city, self.region, self.postal_code) if p)
        return [p for p in (self.name, self.company, self.street1, self.street2, city,
                            self.country) if p]


@dataclass(frozen=True)
class ParcelDTO:
    """One package; 0 for a weight or dimensions nobody knows (a carrier that needs them
    refuses the parcel with `parcel_refusal`)."""

    number: int
    weight_g: int
    length_mm: int = 0
    width_mm: int = 0
    height_mm: int = 0
    sscc: str | None = None

    @property
    def sized(self) -> bool:
        return min(self.length_mm, self.width_mm, self.height_mm) > 0

    @property
    def weight_oz(self) -> float:
        return round(self.weight_g / 28.349523125, 1)

    def inches(self) -> tuple[float, float, float]:
        return tuple(round(v / 25.4, 1) for v in (self.length_mm, self.width_mm, self.height_mm))


@dataclass(frozen=True)
class ShipmentDTO:
    id: int
    reference: str
    ship_from: AddressDTO
    ship_to: AddressDTO
    parcels: tuple[ParcelDTO, ...]
    currency: str = "USD"


@dataclass(frozen=True)
class Rate:
    carrier: str
    service: str
    amount: Decimal
    currency: str
    estimated_days: int | None
    rate_id: str
    provider: str | None = None  # the carrier behind an aggregator (USPS, UPS, …)
    shipment_ref: str | None = None  # the aggregator's shipment id


@dataclass(frozen=True)
class Label:
    tracking_number: str
    content: bytes
    format: str  # "pdf" | "zpl"
    cost: Decimal
    currency: str = "USD"
    carrier_ref: str | None = None
    service: str = ""
    sscc: tuple[str, ...] = ()
    provider: str | None = None  # the carrier that carries it (USPS, UPS…)
    tracking_url: str | None = None  # the carrier's public tracking page


@dataclass(frozen=True)
class PurchaseRef:
    """What the host recorded before asking a carrier to sell a label (the rate, with the
    carrier's own shipment id where it has one, and the file format): enough to ask the
    carrier later whether it sold one. `key` is the host's idempotency key of the purchase."""

    key: str
    rate: Rate
    label_format: str


@dataclass(frozen=True)
class TrackingUpdate:
    tracking_number: str
    status: str  # normalised: pre_transit, in_transit, out_for_delivery, delivered,
    #              returned, failure, unknown
    message: str | None
    occurred_at: datetime
    location: str | None = None

    @property
    def is_exception(self) -> bool:
        return self.status in EXCEPTION_STATUSES


def parcel_refusal(carrier: str, shipment: ShipmentDTO, *, dimensions: bool) -> str | None:
    """One line saying which package a carrier cannot rate and how to fix it, or None."""
    for p in shipment.parcels:
        if p.weight_g <= 0:
            return (f"{carrier} needs a weight: package {p.number} of {shipment.reference} has "
                    "none (weigh it at the pack station, or give its products a weight)")
        if dimensions and not p.sized:
            return (f"{carrier} needs the parcel's dimensions: package {p.number} of "
                    f"{shipment.reference} has none (choose its box at the pack station, or "
                    "give its products dimensions)")
    return None


EXCEPTION_STATUSES = frozenset({"returned", "failure"})
LABEL_FORMATS = ("pdf", "zpl")


@dataclass(frozen=True)
class ManifestResult:
    carrier_ref: str
    document: bytes | None = None


@dataclass
class CarrierApi:
    """What the host lends a plugin."""

    secret: Callable[[str], str]
    next_number: Callable[[str], int] = lambda name: 1
    sleep: Callable[[float], None] = field(default=lambda s: __import__("time").sleep(s))
    today: Callable[[], date] = date.today


class Carrier(abc.ABC):
    name: ClassVar[str]
    title: ClassVar[str]
    SETTINGS: ClassVar[tuple[SettingField, ...]] = ()
    has_manifest: ClassVar[bool] = False

    def __init__(self, settings: dict[str, Any] | None, api: CarrierApi):
        self.settings = self.checked_settings(settings or {})
        self.api = api

    @classmethod
    def checked_settings(cls, given: dict[str, Any]) -> dict[str, Any]:
        """The declared settings with defaults filled in; unknown or mistyped ones refused."""
        return check_settings(cls.SETTINGS, given, owner=cls.name)

    @abc.abstractmethod
    def rates(self, shipment: ShipmentDTO) -> list[Rate]: ...

    @abc.abstractmethod
    def buy(self, shipment: ShipmentDTO, rate: Rate, label_format: str) -> Label: ...

    @abc.abstractmethod
    def void(self, label: Label) -> None: ...

    def find_purchase(self, purchase: PurchaseRef) -> Label | None:
        """The label the carrier sold for a purchase whose answer was lost (a crash, a broken
        connection), or None if it sold none. A carrier that sells nothing remotely (labels
        made here) has nothing to find."""
        return None

    @abc.abstractmethod
    def track(self, tracking_numbers: list[str], *,
              providers: dict[str, str] | None = None) -> list[TrackingUpdate]:
        """Events of the numbers; `providers` names each label's real carrier (USPS, UPS…)
        where it is known."""

    def manifest(self, labels: list[Label], day: date) -> ManifestResult:
        raise NotSupported(f"{self.title} has no carrier manifest; a local one is printed")
