"""Many stations, one truth: rows locked before a decision is read, and what the database
says when a station lost (a refused transition, a stale version, a known constraint, a
deadlock) turned into ONE domain error, ConcurrentChange, naming who got there first and when.

- `lock(session, Entity, id)` / `locking(query)`: the row(s) read FOR NO KEY UPDATE on
  PostgreSQL (still allowing inserts that only reference them), so a second station waits and
  then reads the winner's state. SQLite's writers are already one at a time (BEGIN IMMEDIATE).
- `refusal(...)`: the ConcurrentChange for an entity, from its latest AuditEvent.
- `translate(...)`: used by the unit of work on the way out of a failed transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import zlib

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from oms_desktop.errors import ConcurrentChange, InvalidTransition
from oms_desktop.model import AuditEvent
from oms_desktop.model.workflow import past

NO_KEY_UPDATE = {"key_share": True}
RETRY = "nothing was saved; look again and retry"
# SQLSTATEs of a transaction PostgreSQL aborted to let another one through.
_LOST = {"40P01": "deadlock", "40001": "serialization failure"}


def lock(session: Session, entity, ident, **options):
    """The entity with its row locked until commit (and read afresh), or None."""
    return session.get(entity, ident, with_for_update=NO_KEY_UPDATE, populate_existing=True,
                       **options)


def locking(query, *of, skip_locked: bool = False):
    """A select that locks the rows of `of` (all its tables when empty) until commit."""
    return query.with_for_update(key_share=True, of=of or None, skip_locked=skip_locked) \
        .execution_options(populate_existing=True)


def insert_unless_there(session: Session, table: sa.Table, keys: list[str], **values) -> None:
    """INSERT … ON CONFLICT (keys) DO NOTHING: two stations creating the same row at once
    both go on (the second one waits for the first, then finds its row)."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=keys))


def claim(session: Session, name: str) -> None:
    """Hold a lock on a name until commit (PostgreSQL advisory lock; SQLite's writers are
    one at a time anyway): a second station claiming it waits, then sees the first's rows."""
    if session.bind.dialect.name == "postgresql":
        key = zlib.crc32(name.encode("utf-8")) - 2 ** 31
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


@dataclass(frozen=True)
class Change:
    """Who did what, when: the part of an AuditEvent (or of another record) a refusal shows."""

    action: str
    actor: str
    station: str | None
    at: datetime
    from_state: str | None = None


def when(at: datetime) -> str:
    local = at.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def told(subject: str, change: Change, done: str | None = None) -> ConcurrentChange:
    """"SHP-785 was packed by packer (PACK-2) at 14:02"."""
    where = f" ({change.station})" if change.station else ""
    return ConcurrentChange(f"{subject} was {done or past(change.action)} by {change.actor}"
                            f"{where} at {when(change.at)}")


def last_changes(session: Session, entity: str, ids, *,
                 actions: tuple[str, ...] | None = None) -> dict[int, Change]:
    """The latest state change (or the latest of `actions`) of each entity id."""
    ids = list(ids)
    if not ids:
        return {}
    a = AuditEvent
    picked = a.action.in_(actions) if actions else a.to_state.is_not(None)
    latest = (sa.select(sa.func.max(a.id)).where(a.entity == entity, a.entity_id.in_(ids),
                                                  picked).group_by(a.entity_id))
    rows = session.execute(sa.select(a.entity_id, a.action, a.actor_name, a.station, a.at,
                                     a.from_state).where(a.id.in_(latest)))
    return {row[0]: Change(*row[1:]) for row in rows}


def refusal(session: Session, entity: str, entity_id: int, subject: str, *,
            actions: tuple[str, ...] | None = None, done: str | None = None,
            moved_from: frozenset[str] | None = None) -> ConcurrentChange | None:
    """ConcurrentChange naming the entity's latest change; None when there is none (or, with
    `moved_from`, when that change did not start from one of those states)."""
    change = last_changes(session, entity, [entity_id], actions=actions).get(entity_id)
    if change is None or (moved_from is not None and change.from_state not in moved_from):
        return None
    return told(subject, change, done)


# -- translating what the database said ---------------------------------------------------------
def stale_rows(session: Session, exc: BaseException) -> list[tuple[type, int]]:
    """Before rollback: the versioned rows of the table a StaleDataError names, as
    (entity class, id); the failed flush has already expired what they held."""
    if not isinstance(exc, StaleDataError):
        return []
    table = re.search(r"table '(\w+)'", str(exc))
    found = []
    for key in list(session.identity_map.keys()):
        mapper = sa.inspect(key[0])
        if mapper.version_id_col is not None and (
                table is None or mapper.local_table.name == table[1]):
            found.append((key[0], key[1][0]))
    return found


def translate(session: Session, exc: BaseException,
              stale: list[tuple[type, int]]) -> ConcurrentChange | None:
    """After rollback: the ConcurrentChange that `exc` means, or None when it is not a lost
    race (then it goes on as it was)."""
    if isinstance(exc, ConcurrentChange):
        return None
    if isinstance(exc, InvalidTransition) and exc.entity_id is not None:
        # Lost only when someone moved it out of a state this verb starts from:
        # "Cannot pack shipment SHP-785: it was packed by packer (PACK-2) at 14:02".
        return refusal(session, exc.entity, exc.entity_id, f"{exc.refused}: it",
                       moved_from=exc.sources)
    if stale:
        return _stale(session, stale)
    if isinstance(exc, (OperationalError, IntegrityError)):
        return _lost(exc)
    return None


def _stale(session: Session, stale: list[tuple[type, int]]) -> ConcurrentChange:
    """The row changed most recently by someone else is the one this station lost."""
    subjects, latest = {}, []
    for entity, ident in stale:
        row = session.get(entity, ident)
        subjects[(entity, ident)] = getattr(row, "label", None) or \
            f"{entity.__tablename__} {ident}"
        machine = getattr(entity, "MACHINE", None)
        change = last_changes(session, machine.audit_entity, [ident]).get(ident) \
            if machine and row is not None else None
        if change is not None:
            latest.append((change.at, (entity, ident), change))
    if latest:
        _, key, change = max(latest, key=lambda item: item[0])
        return told(subjects[key], change)
    return ConcurrentChange(f"{next(iter(subjects.values()), 'It')} was changed at another "
                            f"station meanwhile: {RETRY}")


def _lost(exc: OperationalError | IntegrityError) -> ConcurrentChange | None:
    code = getattr(exc.orig, "sqlstate", None)
    if code in _LOST:
        return ConcurrentChange(f"Another station changed the same records at the same moment"
                                f" ({_LOST[code]}): {RETRY}")
    name = _constraint(exc)
    if name in GUARDS:
        return ConcurrentChange(f"{GUARDS[name]}: {RETRY}")
    return None


def _constraint(exc: IntegrityError | OperationalError) -> str | None:
    diag = getattr(exc.orig, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    found = re.search(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)", str(exc.orig))
    return SQLITE_COLUMNS.get(found[1]) if found else None


# The constraints that are the last guard behind the locks, and what losing on them means.
GUARDS = {
    "uq_order_holds_active_reason": "The order was put on hold for that reason at another "
                                    "station at the same moment",
    "uq_pick_list_slots_open_shipment": "A shipment was put on another pick list at the same "
                                        "moment",
    "uq_packages_shipment_id_number": "That package was started at another station at the "
                                      "same moment",
    "uq_stock_moves_request_id": "That request was recorded at another station at the same "
                                 "moment",
    "uq_edi_documents_partner_id_direction_control_number": "That EDI interchange was taken "
                                                            "at another station at the same "
                                                            "moment",
    "uq_invoices_shipment_id": "That shipment was invoiced at another station at the same "
                               "moment",
}
SQLITE_COLUMNS = {
    "order_holds.order_id, order_holds.reason": "uq_order_holds_active_reason",
    "pick_list_slots.shipment_id": "uq_pick_list_slots_open_shipment",
    "packages.shipment_id, packages.number": "uq_packages_shipment_id_number",
    "stock_moves.request_id": "uq_stock_moves_request_id",
    "edi_documents.partner_id, edi_documents.direction, edi_documents.control_number":
        "uq_edi_documents_partner_id_direction_control_number",
    "invoices.shipment_id": "uq_invoices_shipment_id",
}
