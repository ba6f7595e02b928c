"""Connector plugins found through the `oms_desktop.connectors` entry-point group. A plugin
that fails to load is recorded with its error and shown in one place; start-up goes on."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points

from oms_desktop.connectors.base import Connector
from oms_desktop.errors import NotFound

GROUP = "oms_desktop.connectors"


@dataclass
class Registry:
    classes: dict[str, type[Connector]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def get(self, kind: str) -> type[Connector]:
        if kind in self.classes:
            return self.classes[kind]
        if kind in self.failures:
            raise NotFound(f"Connector {kind!r} failed to load: {self.failures[kind]}")
        known = ", ".join(sorted(self.classes)) or "none"
        raise NotFound(f"No connector {kind!r} (installed: {known})")


_registry: Registry | None = None


def load(*, refresh: bool = False) -> Registry:
    global _registry
    if _registry is None or refresh:
        _registry = _collect()
    return _registry


def _collect() -> Registry:
    registry = Registry()
    for ep in entry_points(group=GROUP):
        try:
            cls = ep.load()
            if not (isinstance(cls, type) and issubclass(cls, Connector)):
                raise TypeError(f"{ep.value} is not a Connector subclass")
            registry.classes[ep.name] = cls
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the app
            registry.failures[ep.name] = f"{type(exc).__name__}: {exc}"
    return registry


def connector_class(kind: str) -> type[Connector]:
    return load().get(kind)
