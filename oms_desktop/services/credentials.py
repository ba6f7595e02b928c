"""Channel secrets in the OS keyring (service "oms-desktop", user "channel:<code>:<field>").
On a machine without a keyring backend (a headless server) the secret may come from the
environment variable OMS_SECRET_<CHANNEL>_<FIELD>; otherwise a clear error says how to
supply it. Secrets are never written to a file, the database or the logs."""

from __future__ import annotations

import os
import re

import keyring
from keyring.backends import fail

from oms_desktop.connectors.base import SettingField
from oms_desktop.connectors.errors import MissingCredential

SERVICE = "oms-desktop"


def keyring_user(code: str, field: str) -> str:
    return f"channel:{code}:{field}"


def env_name(code: str, field: str) -> str:
    return "OMS_SECRET_" + re.sub(r"[^A-Z0-9]+", "_", f"{code}_{field}".upper())


def has_backend() -> bool:
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    return bool(getattr(backend, "backends", True))  # an empty chainer is no backend


def _no_backend(code: str, field: str) -> MissingCredential:
    return MissingCredential(
        f"No keyring backend on this machine to hold the {field} of channel {code}. "
        f"Set the environment variable {env_name(code, field)}, or configure a keyring "
        "backend (e.g. PYTHON_KEYRING_BACKEND or keyringrc.cfg; see the keyring docs).")


def get_secret(code: str, field: str) -> str | None:
    """The environment variable wins (headless servers), else the keyring."""
    value = os.environ.get(env_name(code, field))
    if value:
        return value
    if not has_backend():
        return None
    return keyring.get_password(SERVICE, keyring_user(code, field))


def set_secret(code: str, field: str, value: str) -> None:
    if not has_backend():
        raise _no_backend(code, field)
    keyring.set_password(SERVICE, keyring_user(code, field), value)


def delete_secret(code: str, field: str) -> None:
    if has_backend() and keyring.get_password(SERVICE, keyring_user(code, field)) is not None:
        keyring.delete_password(SERVICE, keyring_user(code, field))


def secrets_for(code: str, schema: tuple[SettingField, ...]) -> dict[str, str]:
    """Every secret field's value; a required one missing is a MissingCredential."""
    found: dict[str, str] = {}
    for f in (f for f in schema if f.secret):
        value = get_secret(code, f.name)
        if value:
            found[f.name] = value
        elif f.required:
            if not has_backend():
                raise _no_backend(code, f.name)
            raise MissingCredential(
                f"The {f.label} of channel {code} is not set: enter it in the channel "
                f"settings, or set {env_name(code, f.name)}")
    return found
