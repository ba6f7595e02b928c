"""Applying the declaration to one PostgreSQL database: the role groups (cluster-wide, created
once), then per database the grants, the functions, the row-level policies and the triggers.
Everything is idempotent: run it again after a migration and new tables are covered."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from oms_desktop.storage.access.functions import function_sql, trigger_sql
from oms_desktop.storage.access.policies import PREFIX, needs_rls, policy_sql
from oms_desktop.storage.access.tables import GROUPS, TABLES, TableAccess, group
from oms_desktop.values import Role


@dataclass(frozen=True)
class Applied:
    database: str
    tables: int
    undeclared: list[str]  # tables present but not declared: nobody but the owner uses them


def groups_exist(conn: Connection) -> bool:
    found = conn.execute(sa.text("SELECT count(*) FROM pg_roles WHERE rolname = ANY(:names)"),
                         {"names": GROUPS}).scalar()
    return found == len(GROUPS)


def in_use(conn: Connection) -> bool:
    """Whether this database has been granted to the groups (`db init-roles` ran here): then
    each person has their own login, and new people get one."""
    return bool(conn.execute(sa.text(
        "SELECT 1 FROM pg_database d, aclexplode(d.datacl) a JOIN pg_roles r "
        "ON r.oid = a.grantee WHERE d.datname = current_database() AND r.rolname = :packer"),
        {"packer": group(Role.packer)}).first())


def ensure_groups(conn: Connection) -> None:
    """The four groups, each a member of the one below it (CREATE ROLE only if missing)."""
    existing = set(conn.execute(sa.text("SELECT rolname FROM pg_roles WHERE rolname = "
                                        "ANY(:names)"), {"names": GROUPS}).scalars())
    run(conn, [f"CREATE ROLE {name} NOLOGIN" for name in GROUPS if name not in existing])
    roles = list(Role)
    run(conn, [f"GRANT {group(lower)} TO {group(higher)}"
               for lower, higher in zip(roles, roles[1:])
               if not _member(conn, group(higher), group(lower))])


def _member(conn: Connection, role: str, of: str) -> bool:
    return bool(conn.execute(sa.text(
        "SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
        "JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = :role AND g.rolname = :of"),
        {"role": role, "of": of}).first())


def apply(conn: Connection) -> Applied:
    """Grants, functions, policies and triggers for every table (as the schema's owner)."""
    schema, database = conn.execute(sa.text("SELECT current_schema(), current_database()")).one()
    inspector = sa.inspect(conn)
    tables = inspector.get_table_names(schema=schema)
    columns = {t: [c["name"] for c in inspector.get_columns(t, schema=schema)] for t in tables}
    run(conn, database_grants(database, schema))
    run(conn, [function_sql(schema)])
    for table in tables:
        run(conn, [f"REVOKE ALL ON {schema}.{table} FROM {', '.join(GROUPS)}"])
        if table in TABLES:
            run(conn, grant_sql(f"{schema}.{table}", TABLES[table], columns[table]))
        run(conn, _row_security(conn, schema, table))
    actors = [t for t in tables if {"actor_name", "actor_id"} <= set(columns[t])]
    run(conn, trigger_sql(schema, actors))
    return Applied(database, len(tables), sorted(set(tables) - set(TABLES)))


def database_grants(database: str, schema: str) -> list[str]:
    packer = group(Role.packer)
    return [f'REVOKE CONNECT, TEMPORARY ON DATABASE "{database}" FROM PUBLIC',
            f'GRANT CONNECT ON DATABASE "{database}" TO {packer}',
            f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC",
            f"GRANT USAGE ON SCHEMA {schema} TO {packer}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {packer}"]


def grant_sql(table: str, access: TableAccess, columns: list[str]) -> list[str]:
    readable = [c for c in columns if c not in access.hidden]
    what = f"SELECT ({', '.join(readable)})" if access.hidden else "SELECT"
    out = [f"GRANT {what} ON {table} TO {group(access.read)}"]
    if access.write is not None:
        out.append(f"GRANT INSERT ON {table} TO {group(access.write)}")
        if not access.append_only:
            out.append(f"GRANT DELETE ON {table} TO {group(access.write)}")
            out += _update_grants(table, access, columns)
    if access.own_row:
        out.append(f"GRANT UPDATE ({', '.join(access.own_row)}) ON {table} "
                   f"TO {group(Role.packer)}")
    return out


def _update_grants(table: str, access: TableAccess, columns: list[str]) -> list[str]:
    needs = dict(access.update_needs)
    if not needs:
        return [f"GRANT UPDATE ON {table} TO {group(access.write)}"]
    free = [c for c in columns if c not in needs]
    return [f"GRANT UPDATE ({', '.join(free)}) ON {table} TO {group(access.write)}"] + [
        f"GRANT UPDATE ({column}) ON {table} TO {group(role)}" for column, role in needs.items()]


def _row_security(conn: Connection, schema: str, table: str) -> list[str]:
    old = conn.execute(sa.text(
        "SELECT policyname FROM pg_policies WHERE schemaname = :s AND tablename = :t "
        "AND policyname LIKE :p"), {"s": schema, "t": table, "p": PREFIX + "%"}).scalars()
    out = [f"DROP POLICY {name} ON {schema}.{table}" for name in old]
    access = TABLES.get(table)
    if access is None or not needs_rls(table, access):
        return out + [f"ALTER TABLE {schema}.{table} DISABLE ROW LEVEL SECURITY"]
    return out + [f"ALTER TABLE {schema}.{table} ENABLE ROW LEVEL SECURITY"] + policy_sql(
        table, access)


def run(conn: Connection, statements: list[str]) -> None:
    """Plain statements through the driver (no parameters: `%` in LIKE patterns stays)."""
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        for statement in statements:
            cursor.execute(statement)
    finally:
        cursor.close()
