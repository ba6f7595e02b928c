"""Plugins found through an entry-point group. A plugin that fails to load is recorded with
its error and shown in one place; start-up goes on without it."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from oms_desktop.errors import NotFound

T = TypeVar("T")


@dataclass
class Registry(Generic[T]):
    kind: str  # "connector", "carrier", … for messages
    classes: dict[str, type[T]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def names(self) -> list[str]:
        return sorted(self.classes)

    def get(self, name: str) -> type[T]:
        if name in self.classes:
            return self.classes[name]
        if name in self.failures:
            raise NotFound(f"The {self.kind} {name!r} failed to load: {self.failures[name]}")
        raise NotFound(f"No {self.kind} {name!r} (installed: {', '.join(self.names()) or 'none'})")


def collect(group: str, base: type[T], kind: str) -> Registry[T]:
    """Every plugin of an entry-point group that is a subclass of `base`."""
    registry: Registry[T] = Registry(kind)
    for ep in entry_points(group=group):
        try:
            cls = ep.load()
            if not (isinstance(cls, type) and issubclass(cls, base)):
                raise TypeError(f"{ep.value} is not a {base.__name__} subclass")
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the app
            registry.failures[ep.name] = f"{type(exc).__name__}: {exc}"
        else:
            registry.classes[ep.name] = cls
    return registry


_loaded: dict[str, Registry] = {}


def load(group: str, base: type[T], kind: str, *, refresh: bool = False) -> Registry[T]:
    """The registry of a group, collected once per process (or again with refresh)."""
    if refresh or group not in _loaded:
        _loaded[group] = collect(group, base, kind)
    return _loaded[group]
