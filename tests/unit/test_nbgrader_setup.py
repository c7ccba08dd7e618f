"""The gradebooks we create for nbgrader are the ones nbgrader creates (no kernel)."""
import sqlite3

from nbgrader.api import Gradebook

from autograder.nbgrader_setup import create_gradebook


def schema(path):
    """(every table's and index's SQL, the alembic_version rows) of an SQLite gradebook."""
    with sqlite3.connect(path) as connection:
        sql = sorted(row[0] for row in connection.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
        return sql, connection.execute("SELECT version_num FROM alembic_version").fetchall()


def test_a_gradebook_we_create_is_the_one_nbgrader_creates(tmp_path):
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    create_gradebook(f"sqlite:///{ours}")
    with Gradebook(f"sqlite:///{theirs}"):   # nbgrader's own (it runs `alembic heads`)
        pass
    assert schema(ours) == schema(theirs)
    assert len(schema(ours)[1]) == 1


def test_an_existing_gradebook_is_left_as_it_is(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    create_gradebook(url)
    with Gradebook(url) as gradebook:
        gradebook.add_student("s01")
    create_gradebook(url)
    with Gradebook(url) as gradebook:
        assert [s.id for s in gradebook.students] == ["s01"]
    assert len(schema(tmp_path / "gradebook.db")[1]) == 1
