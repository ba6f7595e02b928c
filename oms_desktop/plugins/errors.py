"""Typed plugin errors: the services decide from the type what to do next."""

from __future__ import annotations

from oms_desktop.errors import OmsError
from oms_desktop.plugins.redaction import redact


class PluginError(OmsError):
    """A remote system refused or failed a request. Its text is built from the remote's
    answer, so it is redacted of every secret before anyone sees or stores it."""

    def __init__(self, message: str = "", *args):
        super().__init__(redact(str(message)), *args)


class AuthFailed(PluginError):
    """The remote refused our credentials: nothing works until a person fixes them."""


class MissingCredential(AuthFailed):
    """A secret the plugin needs is not stored; the message says how to supply it."""


class NotConfigured(PluginError):
    """A setting the plugin needs is missing: nothing is asked of the remote until it is set."""


class RateLimited(PluginError):
    """Slow down: try again after `retry_after` seconds (None: the remote did not say)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class Transient(PluginError):
    """A network failure or a 5xx: the same call may work later. `answer`: the body of the
    last failed answer, if there was one."""

    def __init__(self, message: str, answer: str | None = None):
        super().__init__(message)
        self.answer = redact(answer) if answer else answer


class Permanent(PluginError):
    """The remote will never accept this call for this record (e.g. already cancelled)."""


class NotSupported(PluginError):
    """The plugin does not offer this operation."""
