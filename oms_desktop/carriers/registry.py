"""Finding carrier plugins through the `oms_desktop.carriers` entry points. A plugin that fails
to load is recorded in `failures` and shown in one place; start-up goes on without it."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from oms_desktop.carriers.base import Carrier, CarrierApi, CarrierError

GROUP = "oms_desktop.carriers"


@dataclass
class CarrierRegistry:
    classes: dict[str, type[Carrier]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def names(self) -> list[str]:
        return sorted(self.classes)

    def get(self, name: str) -> type[Carrier]:
        if name in self.classes:
            return self.classes[name]
        if name in self.failures:
            raise CarrierError(f"Carrier {name!r} failed to load: {self.failures[name]}")
        raise CarrierError(f"No carrier {name!r}; installed: {', '.join(self.names()) or 'none'}")

    def create(self, name: str, settings: dict[str, Any] | None, api: CarrierApi) -> Carrier:
        return self.get(name)(settings, api)


def load(group: str = GROUP) -> CarrierRegistry:
    registry = CarrierRegistry()
    for ep in entry_points(group=group):
        try:
            cls = ep.load()
            if not (isinstance(cls, type) and issubclass(cls, Carrier)):
                raise TypeError(f"{ep.value} is not a Carrier subclass")
        except Exception as exc:  # noqa: BLE001 - any broken plugin is reported, not fatal
            registry.failures[ep.name] = f"{type(exc).__name__}: {exc}"
        else:
            registry.classes[ep.name] = cls
    return registry


_default: CarrierRegistry | None = None


def default_registry() -> CarrierRegistry:
    global _default
    if _default is None:
        _default = load()
    return _default
