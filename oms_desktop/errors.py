"""One error root with messages meant for the person at the screen (STYLE habit 12)."""


class OmsError(Exception):
    """An expected failure whose message can be shown to a user as it is."""


class NotFound(OmsError):
    pass


class InvalidTransition(OmsError):
    """A verb the state machine refuses. `entity`, `entity_id` and `subject` ("Order W1042",
    "SHP-785") say what was refused and `sources` the states the verb starts from, so the unit
    of work can tell whether another station moved it out of one of them, and who."""

    def __init__(self, message: str, *, entity: str | None = None,
                 entity_id: int | None = None, subject: str | None = None,
                 sources: frozenset[str] = frozenset(), refused: str | None = None):
        super().__init__(message)
        self.entity, self.entity_id, self.subject = entity, entity_id, subject
        self.sources, self.refused = sources, refused or message


class ConcurrentChange(InvalidTransition):
    """Another workstation (or an earlier click) changed it first; the message says who and
    when ("SHP-785 was packed by packer at 14:02"). Nothing of the refused action was saved."""


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
