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


class ApprovalNeeded(PermissionDenied):
    """Refused for this person, but someone of a higher role may approve it at their station
    (users.approval)."""


class ValidationError(OmsError):
    pass


class DatabaseUnavailable(OmsError):
    pass
