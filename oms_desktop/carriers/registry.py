"""Carrier plugins: the `oms_desktop.carriers` entry-point group."""

from __future__ import annotations

from typing import Any

from oms_desktop.carriers.base import Carrier, CarrierApi
from oms_desktop.plugins import registry as plugin_registry
from oms_desktop.plugins.registry import Registry

GROUP = "oms_desktop.carriers"


def load(*, refresh: bool = False) -> Registry[Carrier]:
    return plugin_registry.load(GROUP, Carrier, "carrier", refresh=refresh)


def create(name: str, settings: dict[str, Any] | None, api: CarrierApi) -> Carrier:
    return load().get(name)(settings, api)
