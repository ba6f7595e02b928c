"""Sign-in lockout: after `attempts` wrong PINs or passwords in a row a user is locked for
`minutes` (settings `users.lockout_attempts`, `users.lockout_minutes`); a right secret resets
the count; an admin can unlock earlier. Pure: the service stores the counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_ATTEMPTS = 5
DEFAULT_MINUTES = 15


@dataclass(frozen=True)
class LockoutRule:
    attempts: int = DEFAULT_ATTEMPTS
    minutes: int = DEFAULT_MINUTES

    @classmethod
    def from_settings(cls, attempts, minutes) -> "LockoutRule":
        return cls(max(1, int(attempts or DEFAULT_ATTEMPTS)),
                   max(1, int(minutes or DEFAULT_MINUTES)))


@dataclass(frozen=True)
class AfterFailure:
    failed_attempts: int
    locked_until: datetime | None

    @property
    def locks(self) -> bool:
        return self.locked_until is not None


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def after_failure(failed_attempts: int, rule: LockoutRule, now: datetime) -> AfterFailure:
    """One more wrong secret: the new count, and the end of the lock once it is reached
    (the count starts again after the lock)."""
    failed = failed_attempts + 1
    if failed >= rule.attempts:
        return AfterFailure(0, now + timedelta(minutes=rule.minutes))
    return AfterFailure(failed, None)


def locked_message(username: str, locked_until: datetime) -> str:
    return (f"{username} is locked after too many wrong PINs or passwords until "
            f"{locked_until:%H:%M} UTC; an admin can unlock sooner")
