"""Plugins' secrets in the OS keyring (service "oms-desktop"). On a machine without a keyring
backend (a headless server) a secret may come from the environment instead. Secrets are never
written to a file, the database or the logs.

    channel SHOP, field access_token:  keyring user "channel:SHOP:access_token",
                                       env OMS_SECRET_SHOP_ACCESS_TOKEN
    carrier easypost, its API key:     keyring user "carrier:easypost",
                                       env OMS_SECRET_CARRIER_EASYPOST_API_KEY
    mail server login shop:            keyring user "smtp:shop", env OMS_SECRET_SMTP_SHOP
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import keyring
from keyring.backends import fail
from keyring.errors import KeyringError

from oms_desktop.plugins.errors import MissingCredential
from oms_desktop.plugins.redaction import remember

SERVICE = "oms-desktop"


@dataclass(frozen=True)
class SecretRef:
    """Where one secret lives, and how to name it to a person."""

    keyring_user: str
    env_name: str
    what: str  # "the access_token of channel SHOP"

    def how_to_set(self) -> str:
        return (f"store it with: keyring set {SERVICE} {self.keyring_user}, "
                f"or set the environment variable {self.env_name}")


def _env(*parts: str) -> str:
    return "OMS_SECRET_" + re.sub(r"[^A-Z0-9]+", "_", "_".join(parts).upper())


def channel_secret(code: str, field: str) -> SecretRef:
    return SecretRef(f"channel:{code}:{field}", _env(code, field),
                     f"the {field} of channel {code}")


def carrier_secret(name: str) -> SecretRef:
    return SecretRef(f"carrier:{name}", _env("carrier", name, "api_key"),
                     f"the {name} API key")


def smtp_secret(username: str) -> SecretRef:
    """The mail server password of login USERNAME (keyring user "smtp:USERNAME")."""
    return SecretRef(f"smtp:{username}", _env("smtp", username),
                     f"the mail server password of {username}")


def has_backend() -> bool:
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    return bool(getattr(backend, "backends", True))  # an empty chainer is no backend


def get(ref: SecretRef) -> str | None:
    """The environment variable wins (headless servers), else the keyring."""
    value = os.environ.get(ref.env_name)
    if not value and has_backend():
        try:
            value = keyring.get_password(SERVICE, ref.keyring_user)
        except KeyringError as exc:
            raise MissingCredential(f"The OS keyring refused to give {ref.what}: {exc}") from exc
    remember(value)
    return value or None


def require(ref: SecretRef) -> str:
    """The secret, or a MissingCredential that says how to supply it."""
    value = get(ref)
    if value:
        return value
    if not has_backend():
        raise MissingCredential(f"No OS keyring is available on this machine to hold "
                                f"{ref.what}: set the environment variable {ref.env_name}, or "
                                "configure a keyring backend (PYTHON_KEYRING_BACKEND or "
                                "keyringrc.cfg)")
    raise MissingCredential(f"{ref.what[0].upper()}{ref.what[1:]} is not set; "
                            f"{ref.how_to_set()}")


def store(ref: SecretRef, value: str) -> None:
    if not has_backend():
        raise MissingCredential(f"No keyring backend on this machine to hold {ref.what}; "
                                f"set the environment variable {ref.env_name} instead")
    keyring.set_password(SERVICE, ref.keyring_user, value)


def delete(ref: SecretRef) -> None:
    if has_backend() and keyring.get_password(SERVICE, ref.keyring_user) is not None:
        keyring.delete_password(SERVICE, ref.keyring_user)
