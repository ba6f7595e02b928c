"""Every run of migrations, up or down, is one transaction: it all happens or none of it does
(PostgreSQL and SQLite both roll DDL back). On SQLite, foreign keys are switched off for the
run so that a table can be rebuilt under its children (they cannot be switched inside a
transaction), and checked before the commit instead."""

from alembic import context

from oms_desktop.model import Base, load_all

load_all()  # the whole schema, for autogenerate and the schema checks

config = context.config
engine = config.attributes["engine"]


def _sqlite_foreign_keys(connection, on: bool) -> None:
    # On the driver's connection, before SQLAlchemy begins: inside a transaction SQLite
    # ignores this pragma.
    connection.connection.dbapi_connection.execute(f"PRAGMA foreign_keys = {int(on)}")


def _check_foreign_keys(connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise RuntimeError(f"{len(broken)} rows would lose their parent, e.g. {table} row "
                           f"{rowid} -> {parent}")


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(connection, False)
    try:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=True, compare_type=True, transactional_ddl=True)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                _check_foreign_keys(connection)
    finally:
        if sqlite:
            _sqlite_foreign_keys(connection, True)
