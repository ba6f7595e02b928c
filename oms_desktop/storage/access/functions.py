"""The SQL functions and triggers the grants and row-level policies rely on, created in the
database's schema. Each function fixes its search_path (the schema, then pg_temp last) so
that nobody can shadow `users` or `user_sites` with a temporary table of their own."""

from __future__ import annotations

from oms_desktop.policies import lockout
from oms_desktop.policies.refunds import DEFAULT_APPROVAL_LIMIT

FUNCTIONS = """
CREATE OR REPLACE FUNCTION {s}.oms_is_person() RETURNS boolean
LANGUAGE sql STABLE SET search_path = {s}, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles g WHERE g.rolname = 'oms_packer'
                 AND pg_catalog.pg_has_role(current_user, g.oid, 'MEMBER'))
     AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)
$$;

CREATE OR REPLACE FUNCTION {s}.oms_at_least(need text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = {s}, pg_temp AS $$
  SELECT NOT {s}.oms_is_person()
      OR pg_catalog.pg_has_role(current_user, 'oms_' || need, 'MEMBER')
$$;

CREATE OR REPLACE FUNCTION {s}.oms_user_id() RETURNS integer
LANGUAGE sql STABLE SET search_path = {s}, pg_temp AS $$
  SELECT id FROM {s}.users WHERE username = current_user
$$;

CREATE OR REPLACE FUNCTION {s}.oms_all_sites() RETURNS boolean
LANGUAGE sql STABLE SET search_path = {s}, pg_temp AS $$
  SELECT NOT EXISTS (SELECT 1 FROM {s}.user_sites WHERE user_id = {s}.oms_user_id())
$$;

CREATE OR REPLACE FUNCTION {s}.oms_sites() RETURNS integer[]
LANGUAGE sql STABLE SET search_path = {s}, pg_temp AS $$
  WITH RECURSIVE seen(id) AS (
    SELECT location_id FROM {s}.user_sites WHERE user_id = {s}.oms_user_id()
    UNION SELECT l.id FROM {s}.locations l JOIN seen ON l.parent_id = seen.id)
  SELECT coalesce(array_agg(id), '{{}}') FROM seen
$$;

CREATE OR REPLACE FUNCTION {s}.oms_own_secret_hash() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
  SELECT password_hash FROM {s}.users WHERE username = session_user
$$;

CREATE OR REPLACE FUNCTION {s}.oms_sign_in_failed(who text, at_station text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
DECLARE
  failed integer;
  attempts integer := coalesce((SELECT (value #>> '{{}}')::integer FROM {s}.settings
                                WHERE key = 'users.lockout_attempts'), {attempts});
  minutes integer := coalesce((SELECT (value #>> '{{}}')::integer FROM {s}.settings
                               WHERE key = 'users.lockout_minutes'), {minutes});
  until timestamp := (now() AT TIME ZONE 'utc') + make_interval(mins => minutes);
BEGIN
  UPDATE {s}.users SET failed_attempts = failed_attempts + 1 WHERE username = who
    RETURNING failed_attempts INTO failed;
  IF failed IS NULL OR failed < attempts THEN
    RETURN;
  END IF;
  UPDATE {s}.users SET failed_attempts = 0, locked_until = until WHERE username = who;
  INSERT INTO {s}.audit_events (at, entity, entity_id, action, actor_name, actor_id,
                                station, source, detail)
    SELECT now() AT TIME ZONE 'utc', 'user', id, 'locked', username, id, at_station,
           'lockout: wrong passwords typed at ' || session_user,
           json_build_object('until', until)
      FROM {s}.users WHERE username = who;
END $$;

CREATE OR REPLACE FUNCTION {s}.oms_stamp_actor() RETURNS trigger
LANGUAGE plpgsql SET search_path = {s}, pg_temp AS $$
BEGIN
  IF {s}.oms_is_person() THEN
    NEW.actor_name := current_user;
    NEW.actor_id := {s}.oms_user_id();
  END IF;
  RETURN NEW;
END $$;

"""


def _guard(name: str, least: str, declare: str, body: str, *, passes: str = "NEW") -> str:
    """A trigger function that lets a login of role `least` or above through and runs `body`
    (which raises to refuse) for anyone below."""
    return f"""
CREATE OR REPLACE FUNCTION {{s}}.{name}() RETURNS trigger
LANGUAGE plpgsql SET search_path = {{s}}, pg_temp AS $$
DECLARE
{declare}
BEGIN
  IF {{s}}.oms_at_least('{least}') THEN
    RETURN {passes};
  END IF;
{body}
  RETURN {passes};
END $$;
"""


LEDGER = _guard("oms_check_ledger", "supervisor", "  now_on_hand bigint;\n  ledger bigint;", """
  SELECT on_hand INTO now_on_hand FROM {s}.stock_levels WHERE id = NEW.id;
  SELECT coalesce(sum(CASE WHEN m.to_location_id = NEW.location_id THEN m.quantity
                           ELSE -m.quantity END), 0) INTO ledger
    FROM {s}.stock_moves m
   WHERE m.product_id = NEW.product_id
     AND (m.to_location_id = NEW.location_id OR m.from_location_id = NEW.location_id);
  IF now_on_hand IS DISTINCT FROM ledger THEN
    RAISE EXCEPTION 'on hand % at location % is not what the stock ledger says (%): only a '
                    'supervisor adjusts stock', now_on_hand, NEW.location_id, ledger
      USING ERRCODE = 'insufficient_privilege';
  END IF;""", passes="NULL")

REFUND_LIMIT = _guard("oms_check_refund_limit", "manager", "  approval_limit numeric;", """
  SELECT (value #>> '{{}}')::numeric INTO approval_limit
    FROM {s}.settings WHERE key = 'returns.approval_limit';
  approval_limit := coalesce(approval_limit, {limit});
  IF NEW.amount > approval_limit THEN
    RAISE EXCEPTION 'A refund of % is above the approval limit of %: a manager must issue it',
                    NEW.amount, approval_limit USING ERRCODE = 'insufficient_privilege';
  END IF;""")


def function_sql(schema: str) -> str:
    return (FUNCTIONS + LEDGER + REFUND_LIMIT).format(
        s=schema, limit=DEFAULT_APPROVAL_LIMIT, attempts=lockout.DEFAULT_ATTEMPTS,
        minutes=lockout.DEFAULT_MINUTES)


def trigger_sql(schema: str, actor_tables: list[str]) -> list[str]:
    """The person stamped on every row of a table with an `actor_name` column; on-hand kept to
    the ledger for anyone below a supervisor; refunds above the limit for managers only."""
    out = []
    for table in actor_tables:
        out += _trigger(schema, table, "oms_actor", "BEFORE INSERT", "oms_stamp_actor")
    out += _trigger(schema, "stock_levels", "oms_ledger", "AFTER INSERT OR UPDATE OF on_hand",
                    "oms_check_ledger", constraint=True)
    out += _trigger(schema, "refunds", "oms_refund_limit", "BEFORE INSERT OR UPDATE",
                    "oms_check_refund_limit")
    return out


def _trigger(schema: str, table: str, name: str, when: str, function: str, *,
             constraint: bool = False) -> list[str]:
    kind = "CONSTRAINT TRIGGER" if constraint else "TRIGGER"
    deferred = " DEFERRABLE INITIALLY DEFERRED" if constraint else ""
    return [f"DROP TRIGGER IF EXISTS {name} ON {schema}.{table}",
            f"CREATE {kind} {name} {when} ON {schema}.{table}{deferred} FOR EACH ROW "
            f"EXECUTE FUNCTION {schema}.{function}()"]
