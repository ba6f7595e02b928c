"""A channel's secret settings, through the plugin kit's secrets (keyring, or
OMS_SECRET_<CHANNEL>_<FIELD> on a headless server)."""

from __future__ import annotations

import logging

from oms_desktop.plugins import secrets
from oms_desktop.plugins.errors import MissingCredential
from oms_desktop.plugins.settings import SettingField


def get_secret(code: str, field: str) -> str | None:
    return secrets.get(secrets.channel_secret(code, field))


def set_secret(code: str, field: str, value: str) -> None:
    secrets.store(secrets.channel_secret(code, field), value)


def keep_secret(code: str, field: str, value: str) -> None:
    """A secret the platform replaced: into the keyring; without one (a server reading
    OMS_SECRET_…) a warning that names the variable to update, never the value."""
    try:
        set_secret(code, field, value)
    except MissingCredential:
        ref = secrets.channel_secret(code, field)
        logging.getLogger(__name__).warning(
            "Channel %s was given a new %s; no keyring holds it: update %s", code, field,
            ref.env_name)


def secrets_for(code: str, schema: tuple[SettingField, ...]) -> dict[str, str]:
    """Every secret field's value; a required one missing is a MissingCredential."""
    found: dict[str, str] = {}
    for f in (f for f in schema if f.secret):
        ref = secrets.channel_secret(code, f.name)
        value = secrets.require(ref) if f.required else secrets.get(ref)
        if value:
            found[f.name] = value
    return found
