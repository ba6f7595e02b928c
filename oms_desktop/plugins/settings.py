"""A plugin's declared settings: one schema type for every kind, shown as a form by the
screens and checked by the services. Secret fields go to the keyring (see secrets.py), never
to the database or the logs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Sequence

from oms_desktop.errors import ValidationError

FIELD_TYPES = ("text", "url", "int", "bool", "secret", "path", "choice", "mapping", "list")


@dataclass(frozen=True)
class SettingField:
    name: str
    label: str
    type: str = "text"
    required: bool = True
    secret: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    help: str = ""


def check_settings(schema: Sequence[SettingField], values: Mapping[str, Any], *,
                   owner: str = "") -> dict[str, Any]:
    """The plain (non-secret) settings with defaults filled in and converted to their
    types; an unknown, mistyped or missing required setting is a ValidationError."""
    unknown = set(values) - {f.name for f in schema}
    if unknown:
        raise ValidationError(f"Unknown setting(s){' of ' + owner if owner else ''}: "
                              f"{', '.join(sorted(unknown))}")
    clean: dict[str, Any] = {}
    for f in schema:
        if f.secret:
            continue
        value = values.get(f.name, f.default)
        if value in (None, "") and f.required:
            raise ValidationError(f"Setting {f.label!r} ({f.name}) is required")
        clean[f.name] = _typed(f, value)
    return clean


def _typed(f: SettingField, value: Any) -> Any:
    if value in (None, ""):
        return value
    try:
        return _CONVERT.get(f.type, _same)(f, value)
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError(f"Setting {f.name} must be {f.type}, not {value!r}") from None


def _same(f: SettingField, value: Any) -> Any:
    if f.type == "choice" and value not in f.choices:
        raise ValidationError(f"{f.label} must be one of {', '.join(f.choices)}")
    if f.type in ("text", "url", "path") and not isinstance(value, str):
        raise ValueError(value)
    return value


def _bool(f: SettingField, value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")


def _int(f: SettingField, value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, (float, Decimal)) and value != int(value)):
        raise ValueError(value)
    return int(value)


def _json(f: SettingField, value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError(f"{f.label} must be JSON, e.g. "
                                  f"{'{' if f.type == 'mapping' else '['}…") from None
    expected = dict if f.type == "mapping" else list
    if not isinstance(value, expected):
        raise ValueError(value)
    return value


_CONVERT = {"int": _int, "bool": _bool, "mapping": _json, "list": _json}
