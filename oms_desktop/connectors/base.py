"""The connector plugin contract (STYLE habit 10). A connector speaks one platform's protocol
and hands back validated DTOs; it never touches the database. Plugins are found through the
entry-point group `oms_desktop.connectors` (see registry.py); the errors, HTTP, settings
and secrets come from the plugin kit (oms_desktop.plugins)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, Callable, ClassVar, Iterator, Mapping, Sequence

from oms_desktop.connectors.dto import (
    FileIdentity, FulfilmentLine, OrderDTO, Page, ProductPage, PushResult, ReportRead,
    StockLevelDTO,
)
from oms_desktop.plugins.errors import Permanent, PluginError
from oms_desktop.plugins.settings import SettingField


PATIENCE_S = 600.0  # how long one call of a background sync waits out rate limits


class ConnectorError(PluginError):
    """A sales channel refused or failed a request."""


class Connector(ABC):
    """One configured channel. `settings` are the plain values, `secrets` the keyring
    values of the secret fields."""

    kind: ClassVar[str]
    title: ClassVar[str]
    SETTINGS: ClassVar[tuple[SettingField, ...]] = ()
    # The marketplace whose order ids this connector reads ("amazon", "etsy"…): an order
    # another channel of the same marketplace already holds is not imported twice.
    marketplace: ClassVar[str | None] = None

    def __init__(self, settings: Mapping[str, Any], secrets: Mapping[str, str]):
        self.settings = dict(settings)
        self.secrets = dict(secrets)
        self.secret_saver: Callable[[str, str], None] | None = None

    def save_secret(self, field: str, value: str) -> None:
        """Keep a secret the platform replaced (a rotated refresh token) where the channel's
        secrets live; without a saver (a connector built by hand) it lives in memory only."""
        self.secrets[field] = value
        if self.secret_saver is not None:
            self.secret_saver(field, value)

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

    def fetch_products(self, since: datetime | None) -> Iterator[ProductPage]:
        """The store's catalogue changed at or after `since` (all when None), oldest change
        first, a page at a time. A channel that does not share its catalogue says so."""
        raise Permanent(f"{self.title} does not share its catalogue with us")

    def push_cancellation(self, external_id: str, *, reason: str = "other") -> PushResult:
        raise Permanent(f"{self.title} does not take cancellations from us")

    def push_refund(self, external_id: str, *, lines: Sequence[FulfilmentLine] = (),
                    amount: str | None = None, reason: str | None = None,
                    key: str | None = None) -> PushResult:
        """Refund on the channel. Pushing the same `key` again (a retry after a crash or a
        lost answer) must not refund twice: send it where the platform takes an idempotency
        key, otherwise look for a refund carrying it before making one."""
        raise Permanent(f"{self.title} does not take refunds from us")

    def close(self) -> None:
        """Release network resources."""


class ReportFiles(ABC):
    """A connector whose orders arrive as report files. The sync reads each file once (known
    by its content), in pages small enough for any database, and keeps a file it cannot read
    aside with the reason instead of stopping."""

    @abstractmethod
    def report_files(self) -> list[FileIdentity]:
        """The files waiting to be read, oldest first."""

    @abstractmethod
    def read_report(self, report: FileIdentity, *, batch: int) -> ReportRead:
        """Its orders in pages of at most `batch` orders; `ConnectorError` when the file
        cannot be read at all."""
