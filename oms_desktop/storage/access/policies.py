"""Row-level security from the declaration in tables.py: which rows a login limited to some
sites sees (`sites`), what a lower role may write (`rows`, restrictive), a person's own row
(`own_row`), and the shared settings by key (policies.permissions.SETTING_ROLES). Table
owners (the schema's owner, migrations) are not subject to any of it."""

from __future__ import annotations

from oms_desktop.policies.permissions import OWN_PREFERENCES, SETTING_ROLES
from oms_desktop.storage.access.tables import SEEN, TableAccess

PREFIX = "oms_"


def settings_rule() -> str:
    """SQL true when the current login may write the setting in `key` (longest name wins)."""
    own = f"starts_with(key, '{OWN_PREFERENCES}' || oms_user_id() || '.')"
    cases = [f"WHEN starts_with(key, '{OWN_PREFERENCES}') THEN {own} OR oms_at_least('admin')"]
    for name in sorted(SETTING_ROLES, key=len, reverse=True):
        test = f"starts_with(key, '{name}')" if name.endswith(".") else f"key = '{name}'"
        cases.append(f"WHEN {test} THEN oms_at_least('{SETTING_ROLES[name].value}')")
    return f"CASE {' '.join(cases)} ELSE oms_at_least('manager') END"


def row_rule(table: str, access: TableAccess) -> str | None:
    return settings_rule() if table == "settings" else access.rows


def needs_rls(table: str, access: TableAccess) -> bool:
    return bool(access.sites or access.own_row or row_rule(table, access))


def policy_sql(table: str, access: TableAccess) -> list[str]:
    """CREATE POLICY statements for one table (after its old ones are dropped)."""
    out = _visible(table, access)
    rule = row_rule(table, access)
    if rule:
        # UPDATE checks only the new row, so a refused change is an error, not 0 rows
        out += [_policy(table, "rows_insert", "INSERT", None, rule, restrictive=True),
                _policy(table, "rows_update", "UPDATE", None, rule, restrictive=True),
                _policy(table, "rows_delete", "DELETE", rule, None, restrictive=True)]
    return out


def _visible(table: str, access: TableAccess) -> list[str]:
    if access.own_row:  # everyone reads; admins write; each person updates their own row
        mine = "username = current_user"
        return [_policy(table, "read", "SELECT", "true", None),
                _policy(table, "admin", "ALL", "oms_at_least('admin')", "oms_at_least('admin')"),
                _policy(table, "own", "UPDATE", mine, mine)]
    if access.sites:
        seen = f"(SELECT oms_all_sites()) OR ({access.sites.format(seen=SEEN)})"
        return [_policy(table, "sites", "ALL", seen, seen)]
    return [_policy(table, "all", "ALL", "true", "true")]


def _policy(table: str, name: str, command: str, using: str | None, check: str | None, *,
            restrictive: bool = False) -> str:
    kind = "RESTRICTIVE" if restrictive else "PERMISSIVE"
    sql = f"CREATE POLICY {PREFIX}{name} ON {table} AS {kind} FOR {command}"
    if using:
        sql += f" USING ({using})"
    if check:
        sql += f" WITH CHECK ({check})"
    return sql
