"""Typed connector errors: the sync service decides from the type what to do next."""

from __future__ import annotations

from oms_desktop.errors import OmsError


class ConnectorError(OmsError):
    pass


class AuthFailed(ConnectorError):
    """The channel refused the credentials: nothing will work until a person fixes them."""


class RateLimited(ConnectorError):
    """Slow down: try again after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


class Transient(ConnectorError):
    """A network hiccup or a 5xx: the same call may work later."""


class PermanentForOrder(ConnectorError):
    """The channel will never accept this call for this order (e.g. already cancelled)."""


class MissingCredential(ConnectorError):
    pass
