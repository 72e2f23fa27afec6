from models.core import files
from models.core.db import is_postgres


def test_attachments_are_copied_beside_the_database_once(db, db_path, tmp_path):
    photo = tmp_path / "现场.JPG"
    photo.write_bytes(b"\xff\xd8fake jpeg")
    first = files.store(photo, "events")
    second = files.store(photo, "events")
    assert first == second and first.startswith("events/") and first.endswith(".jpg")
    stored = files.resolve(first)
    assert stored.read_bytes() == b"\xff\xd8fake jpeg"
    if is_postgres():  # a server keeps the bytes; this PC reads them from its cache folder
        assert stored.parent.parent == files.attachments_dir()
    else:
        assert stored.parent.parent == db_path.with_name(db_path.stem + "-files")
    photo.write_bytes(b"another picture")
    assert files.store(photo, "events") != first
