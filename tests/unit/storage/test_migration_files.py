"""The migration runner reads the SQL files of the ``migrations`` package, and only them."""

from __future__ import annotations

from importlib.resources import files

from storage.migrations import sql_migrations


def test_every_sql_file_of_the_migrations_package_is_a_migration_in_name_order() -> None:
    names = sorted(
        entry.name.removesuffix(".sql")
        for entry in files("migrations").iterdir()
        if entry.name.endswith(".sql")
    )
    assert [m.id for m in sql_migrations()] == names
    assert names[0] == "0001.views-schema"


def test_the_package_module_of_the_migrations_is_not_taken_for_a_migration() -> None:
    assert "__init__" not in {m.id for m in sql_migrations()}
