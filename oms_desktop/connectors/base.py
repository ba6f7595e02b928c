"""The connector plugin contract (STYLE habit 10). A connector speaks one platform's protocol
and hands back validated DTOs; it never touches the database. Plugins are found through the
entry-point group `oms_desktop.connectors` (see registry.py)."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Iterator, Mapping, Sequence

from oms_desktop.connectors.dto import (
    FulfilmentLine, OrderDTO, Page, PushResult, StockLevelDTO,
)
from oms_desktop.connectors.errors import PermanentForOrder
from oms_desktop.errors import ValidationError

FIELD_TYPES = ("text", "url", "int", "bool", "secret", "path", "choice", "mapping")


@dataclass(frozen=True)
class SettingField:
    """One entry of a connector's settings form. Secret fields go to the keyring, never to
    Channel.settings, the database or the logs."""

    name: str
    label: str
    type: str = "text"
    required: bool = True
    secret: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    help: str = ""


def check_settings(schema: Sequence[SettingField], values: Mapping[str, Any]) -> dict:
    """The plain (non-secret) settings, converted to their types; missing required → error."""
    clean: dict[str, Any] = {}
    for f in schema:
        if f.secret:
            continue
        value = values.get(f.name, f.default)
        if value in (None, "") and f.required:
            raise ValidationError(f"Setting {f.label!r} ({f.name}) is required")
        clean[f.name] = _typed(f, value)
    unknown = set(values) - {f.name for f in schema}
    if unknown:
        raise ValidationError(f"Unknown setting(s): {', '.join(sorted(unknown))}")
    return clean


def _typed(f: SettingField, value: Any) -> Any:
    if value in (None, ""):
        return value
    if f.type == "int":
        return int(value)
    if f.type == "bool":
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
    if f.type == "mapping" and isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError(f"{f.label} must be JSON, e.g. {{\"sku\": \"Seller SKU\"}}") from None
    if f.type == "choice" and value not in f.choices:
        raise ValidationError(f"{f.label} must be one of {', '.join(f.choices)}")
    return value


class Connector(ABC):
    """One configured channel. `settings` are the plain values, `secrets` the keyring
    values of the secret fields."""

    kind: ClassVar[str]
    title: ClassVar[str]
    SETTINGS: ClassVar[tuple[SettingField, ...]] = ()

    def __init__(self, settings: Mapping[str, Any], secrets: Mapping[str, str]):
        self.settings = dict(settings)
        self.secrets = dict(secrets)

    @abstractmethod
    def test_connection(self) -> str:
        """A one-line description of what was reached (shop name…); raises on failure."""

    @abstractmethod
    def fetch_orders(self, since: datetime | None) -> Iterator[Page]:
        """Orders changed at or after `since` (all when None), oldest change first, a page at
        a time; each page carries its payload failures and its high-water mark."""

    @abstractmethod
    def parse_order(self, raw: Any) -> OrderDTO:
        """Validate one raw payload (used again by `retry` after a fix)."""

    @abstractmethod
    def fetch_order(self, external_id: str) -> OrderDTO:
        ...

    @abstractmethod
    def push_fulfilment(self, external_id: str, *, lines: Sequence[FulfilmentLine],
                        carrier: str | None, tracking_number: str | None,
                        tracking_url: str | None = None) -> PushResult:
        ...

    @abstractmethod
    def fetch_inventory(self, skus: Sequence[str]) -> dict[str, int | None]:
        """What the channel says is available per SKU (None: not known there)."""

    @abstractmethod
    def push_inventory(self, levels: Sequence[StockLevelDTO]) -> list[PushResult]:
        ...

    def push_cancellation(self, external_id: str, *, reason: str = "other") -> PushResult:
        raise PermanentForOrder(f"{self.title} does not take cancellations from us")

    def push_refund(self, external_id: str, *, lines: Sequence[FulfilmentLine] = (),
                    amount: str | None = None, reason: str | None = None) -> PushResult:
        raise PermanentForOrder(f"{self.title} does not take refunds from us")

    def close(self) -> None:
        """Release network resources."""
