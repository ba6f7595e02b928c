"""Setting up sales channels: add or edit one from its connector's settings schema (secrets
to the keyring), list them, test the connection, and build the connector for a channel."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.connectors.base import Connector
from oms_desktop.connectors.registry import connector_class, load
from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import Actor, Channel, Location, SyncCursor, SyncError, SyncRun
from oms_desktop.plugins.errors import NotConfigured
from oms_desktop.plugins.settings import SettingField, check_settings
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings as shared
from oms_desktop.services.channels import credentials
from oms_desktop.storage import Database


@dataclass(frozen=True)
class ConnectorInfo:
    kind: str
    title: str
    fields: tuple[SettingField, ...]


@dataclass(frozen=True)
class ChannelInfo:
    id: int
    code: str
    name: str
    kind: str
    active: bool
    settings: dict
    secrets_set: dict[str, bool]
    locations: tuple[str, ...]
    safety_buffer: int
    cursor: str | None
    last_run: str | None
    last_run_at: datetime | None
    open_errors: int
    schedule_minutes: int = 0


def connector_kinds() -> tuple[list[ConnectorInfo], dict[str, str]]:
    """Installed connectors, and the plugins that failed to load with their error."""
    registry = load()
    infos = [ConnectorInfo(k, c.title, c.SETTINGS) for k, c in sorted(registry.classes.items())]
    return infos, dict(registry.failures)


def code_for(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "channel"


def channel_by_code(session: Session, code: str) -> Channel:
    channel = session.scalar(sa.select(Channel).where(Channel.code == code))
    if channel is None:
        channel = session.scalar(sa.select(Channel).where(Channel.name == code))
    if channel is None:
        raise NotFound(f"No channel {code!r}")
    return channel


def _split(schema, values: Mapping[str, Any]) -> tuple[dict, dict]:
    secret_names = {f.name for f in schema if f.secret}
    plain = {k: v for k, v in values.items() if k not in secret_names}
    secrets = {k: v for k, v in values.items() if k in secret_names and v}
    return plain, secrets


def save_channel(db: Database, *, actor: Actor, kind: str, name: str,
                 values: Mapping[str, Any], code: str | None = None,
                 locations: list[str] | None = None, safety_buffer: int | None = None,
                 currency: str | None = None) -> ChannelInfo:
    """Add a channel, or change the one with this code. Secret values go to the keyring
    before anything is stored; a secret left empty keeps the one already there."""
    require(actor, "channels.manage")
    cls = connector_class(kind)
    plain, secrets = _split(cls.SETTINGS, values)
    code = code or code_for(name)
    with db.uow() as uow:
        s = uow.session
        channel = s.scalar(sa.select(Channel).where(Channel.code == code))
        if channel is None:
            channel = Channel(code=code, name=name, kind=kind, settings={})
            s.add(channel)
        elif channel.kind != kind:
            raise ValidationError(f"Channel {code} is a {channel.kind} channel, not {kind}")
        merged = {**(channel.settings or {}), **plain}
        channel.settings = check_settings(cls.SETTINGS, merged)
        channel.name = name
        _set_options(s, channel, locations, safety_buffer, currency)
        for field, value in secrets.items():
            credentials.set_secret(code, field, str(value))
        credentials.secrets_for(code, cls.SETTINGS)  # every required secret is reachable
        uow.commit()
    return get_channel(db, code)


def _set_options(session: Session, channel: Channel, locations, buffer, currency) -> None:
    if locations is not None:
        found = session.scalars(sa.select(Location).where(Location.code.in_(locations))).all()
        missing = set(locations) - {l.code for l in found}
        if missing:
            raise NotFound(f"No location {', '.join(sorted(missing))}")
        channel.locations = list(found)
    if buffer is not None:
        if buffer < 0:
            raise ValidationError("The safety buffer cannot be negative")
        channel.safety_buffer = buffer
    if currency:
        channel.currency = currency


def _info(session: Session, channel: Channel) -> ChannelInfo:
    cursor = session.scalar(sa.select(SyncCursor.cursor).where(
        SyncCursor.channel_id == channel.id, SyncCursor.stream == "orders"))
    last = session.execute(sa.select(SyncRun.status, SyncRun.started_at).where(
        SyncRun.channel_id == channel.id).order_by(SyncRun.id.desc()).limit(1)).first()
    errors = session.scalar(sa.select(sa.func.count()).select_from(SyncError).where(
        SyncError.channel_id == channel.id, SyncError.resolved_at.is_(None)))
    try:
        schema = connector_class(channel.kind).SETTINGS
    except NotFound:
        schema = ()
    secrets_set = {f.name: bool(credentials.get_secret(channel.code, f.name))
                   for f in schema if f.secret}
    return ChannelInfo(channel.id, channel.code, channel.name, channel.kind, channel.active,
                       dict(channel.settings or {}), secrets_set,
                       tuple(sorted(l.code for l in channel.locations)), channel.safety_buffer,
                       cursor, last[0] if last else None, last[1] if last else None, errors,
                       int(shared.get(session, _schedule_key(channel.code), 0) or 0))


def get_channel(db: Database, code: str) -> ChannelInfo:
    with db.uow(readonly=True) as uow:
        return _info(uow.session, channel_by_code(uow.session, code))


def list_channels(db: Database) -> list[ChannelInfo]:
    with db.uow(readonly=True) as uow:
        rows = uow.session.scalars(sa.select(Channel).order_by(Channel.name)).all()
        return [_info(uow.session, c) for c in rows]


def build_connector(channel: ChannelInfo | Channel) -> Connector:
    """The connector for a channel, with its secrets from the keyring (or environment)."""
    cls = connector_class(channel.kind)
    _refuse_unset(channel, cls.SETTINGS)
    secrets = credentials.secrets_for(channel.code, cls.SETTINGS)
    connector = cls(dict(channel.settings or {}), secrets)
    code = channel.code
    connector.secret_saver = lambda field, value: credentials.keep_secret(code, field, value)
    return connector


def _refuse_unset(channel: ChannelInfo | Channel, schema) -> None:
    """A channel saved without a required setting (a demo channel, an older version's row) is
    refused with what to set, before its connector can fail on it half-way."""
    values = channel.settings or {}
    missing = [f for f in schema if f.required and not f.secret and f.default in (None, "")
               and values.get(f.name) in (None, "")]
    if missing:
        names = ", ".join(f"{f.label!r} ({f.name})" for f in missing)
        raise NotConfigured(
            f"Channel {channel.code} is not set up: {names} missing; set it in Settings > "
            f"Channels or with: oms-desktop channels add {channel.kind} --name "
            f"{channel.name!r} --code {channel.code} --setting {missing[0].name}=…")


def test_channel(db: Database, *, actor: Actor, code: str) -> str:
    require(actor, "channels.sync")
    connector = build_connector(get_channel(db, code))
    try:
        return connector.test_connection()
    finally:
        connector.close()


def _schedule_key(code: str) -> str:
    return f"channels.{code}.schedule_minutes"


def set_schedule(db: Database, *, actor: Actor, code: str, minutes: int) -> None:
    """Sync (orders, pushes, stock) every `minutes` on the station that runs the schedule;
    0 turns it off."""
    require(actor, "channels.manage")
    if minutes < 0:
        raise ValidationError("The schedule cannot be negative")
    with db.uow() as uow:
        channel_by_code(uow.session, code)
        shared.put(uow.session, _schedule_key(code), minutes)
        uow.commit()
