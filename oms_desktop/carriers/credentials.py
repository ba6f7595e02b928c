"""Carrier API keys: in the OS keyring, or OMS_SECRET_CARRIER_<NAME>_API_KEY on a server."""

from __future__ import annotations

from oms_desktop.plugins import secrets


def api_key(carrier: str) -> str:
    """The key stored for a carrier, or a MissingCredential that says how to store one."""
    return secrets.require(secrets.carrier_secret(carrier))


def store_api_key(carrier: str, key: str) -> None:
    secrets.store(secrets.carrier_secret(carrier), key)
