"""Carrier API keys live in the OS keyring, never in the database or the logs."""

from __future__ import annotations

from oms_desktop.carriers.base import CredentialsMissing

SERVICE = "oms-desktop"


def keyring_user(carrier: str) -> str:
    return f"carrier:{carrier}"


def api_key(carrier: str) -> str:
    """The key stored for a carrier, or a CredentialsMissing that says how to store one."""
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    how = f"store it with: keyring set {SERVICE} {keyring_user(carrier)}"
    try:
        key = keyring.get_password(SERVICE, keyring_user(carrier))
    except NoKeyringError as exc:
        raise CredentialsMissing(f"No OS keyring is available for the {carrier} API key "
                                 f"({exc}); install a keyring backend, then {how}") from exc
    except KeyringError as exc:
        raise CredentialsMissing(f"The OS keyring refused to give the {carrier} API key: "
                                 f"{exc}") from exc
    if not key:
        raise CredentialsMissing(f"No {carrier} API key in the OS keyring; {how}")
    return key


def store_api_key(carrier: str, key: str) -> None:
    import keyring

    keyring.set_password(SERVICE, keyring_user(carrier), key)
