"""Accounting targets: the `oms_desktop.accounting` entry-point group."""

from __future__ import annotations

from typing import Any

from oms_desktop.accounting.base import AccountingTarget, BooksApi
from oms_desktop.plugins import registry as plugin_registry
from oms_desktop.plugins.registry import Registry

GROUP = "oms_desktop.accounting"


def load(*, refresh: bool = False) -> Registry[AccountingTarget]:
    return plugin_registry.load(GROUP, AccountingTarget, "accounting target", refresh=refresh)


def create(name: str, settings: dict[str, Any] | None, api: BooksApi) -> AccountingTarget:
    return load().get(name)(settings, api)
