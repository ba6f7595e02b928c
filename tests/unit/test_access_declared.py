"""The privileges are declared for every table: a model table added without a line in
storage/access/tables.py fails here (its writes would otherwise be denied to everyone)."""

from oms_desktop.model import Actor, Base, load_all, Role
from oms_desktop.policies.permissions import may_change_setting, setting_role
from oms_desktop.storage.access.policies import needs_rls, policy_sql
from oms_desktop.storage.access.tables import TABLES

load_all()  # the whole schema is compared


def test_every_model_table_has_declared_privileges_and_nothing_else_is_declared():
    tables = set(Base.metadata.tables) | {"alembic_version"}
    assert sorted(tables - set(TABLES)) == [], "declare them in storage/access/tables.py"
    assert sorted(set(TABLES) - tables) == []


def test_declared_columns_exist():
    for name, access in TABLES.items():
        if name == "alembic_version":
            continue
        columns = set(Base.metadata.tables[name].columns.keys())
        named = set(access.hidden) | set(access.own_row) | {c for c, _ in access.update_needs}
        assert named <= columns, name


def test_every_table_that_names_a_person_also_links_the_user():
    for table in Base.metadata.tables.values():
        if "actor_name" in table.columns:
            assert "actor_id" in table.columns, table.name


def test_the_site_limited_tables_get_one_policy_that_reads_and_writes():
    sql = policy_sql("stock_levels", TABLES["stock_levels"])
    assert len(sql) == 1 and "oms_all_sites" in sql[0] and "WITH CHECK" in sql[0]
    assert not needs_rls("packages", TABLES["packages"])


def test_settings_by_key_follow_the_least_role_of_their_longest_prefix():
    packer, supervisor = Actor("pat", Role.packer, 7), Actor("sue", Role.supervisor, 8)
    assert setting_role("lock.idle_minutes") == Role.manager
    assert setting_role("users.lockout_minutes") == Role.admin
    assert setting_role("returns.approval_limit") == Role.manager
    assert setting_role("company.name") == Role.manager
    assert may_change_setting(packer, "sequence.manual.tracking")
    assert may_change_setting(packer, "user.7.orders.views")
    assert not may_change_setting(packer, "user.8.orders.views")
    assert not may_change_setting(packer, "lock.idle_minutes")
    assert may_change_setting(supervisor, "floor.quantity_limit")
    assert not may_change_setting(supervisor, "floor.quantity_limits_off")
