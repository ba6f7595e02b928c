"""Connector plugins: the `oms_desktop.connectors` entry-point group."""

from __future__ import annotations

from oms_desktop.connectors.base import Connector
from oms_desktop.plugins import registry as plugin_registry
from oms_desktop.plugins.registry import Registry

GROUP = "oms_desktop.connectors"


def load(*, refresh: bool = False) -> Registry[Connector]:
    return plugin_registry.load(GROUP, Connector, "connector", refresh=refresh)


def connector_class(kind: str) -> type[Connector]:
    return load().get(kind)
