from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from oms_desktop.model import Base, load_all
from oms_desktop.storage import migrate

load_all()  # the whole schema is compared


def test_the_migrations_yield_exactly_the_models_schema(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_a_migrated_database_is_at_every_head(db):
    assert migrate.current(db) == migrate.heads(db)
    assert migrate.upgrade(db) is False


def test_the_schema_has_one_head_so_new_migrations_have_one_parent(db):
    assert len(migrate.heads(db)) == 1
