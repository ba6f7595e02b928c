"""One error root with messages meant for the person at the screen (STYLE habit 12)."""


class OmsError(Exception):
    """An expected failure whose message can be shown to a user as it is."""


class NotFound(OmsError):
    pass


class InvalidTransition(OmsError):
    pass


class InsufficientStock(OmsError):
    pass


class PermissionDenied(OmsError):
    pass


class ValidationError(OmsError):
    pass


class DatabaseUnavailable(OmsError):
    pass


class AlreadyDone(InvalidTransition):
    """Another station (or an earlier click) already did it: the message says who and when."""
