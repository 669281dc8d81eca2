"""The running statusgen as a wheel: the same bytes each time, a valid RECORD, everything inside."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import zipfile

from statusgen import __version__
from statusgen.wrapper.pins import installed_distribution
from statusgen.wrapper.wheel import build_wheel

INFO = f"statusgen-{__version__}.dist-info"


def test_the_same_statusgen_gives_the_same_bytes() -> None:
    first, second = build_wheel(installed_distribution()), build_wheel(installed_distribution())
    assert first.data == second.data
    assert first.name == f"statusgen-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(io.BytesIO(first.data)) as wheel:
        infos = wheel.infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    names = [i.filename for i in infos]
    package = [n for n in names if not n.startswith(INFO)]
    assert package == sorted(package) and names[-1] == f"{INFO}/RECORD"


def test_the_record_lists_every_file_with_its_hash_and_size() -> None:
    with zipfile.ZipFile(io.BytesIO(build_wheel(installed_distribution()).data)) as wheel:
        rows = list(csv.reader(io.StringIO(wheel.read(f"{INFO}/RECORD").decode("utf-8"))))
        assert [r[0] for r in rows] == wheel.namelist()
        assert rows[-1] == [f"{INFO}/RECORD", "", ""]
        for path, digest, size in rows[:-1]:
            data = wheel.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert (digest, int(size)) == (f"sha256={expected}", len(data)), path


def test_it_holds_the_code_the_data_and_the_metadata() -> None:
    with zipfile.ZipFile(io.BytesIO(build_wheel(installed_distribution()).data)) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"{INFO}/METADATA").decode("utf-8")
        entry_points = wheel.read(f"{INFO}/entry_points.txt").decode("utf-8")
        tag = wheel.read(f"{INFO}/WHEEL").decode("utf-8")
    for name in ("statusgen/commands/cli.py", "statusgen/py.typed", "statusgen/locales/de.po",
                 "statusgen/skeleton/dot-github/workflows/deploy.yml",
                 "statusgen/default_theme/base.html",  # from themes/ in an editable install
                 "statusgen/wrapper/runtime-requirements.txt"):
        assert name in names, name
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert f"Name: statusgen\nVersion: {__version__}\n" in metadata
    assert "Requires-Dist: jinja2" in metadata
    assert "statusgen = statusgen.commands.cli:entry" in entry_points
    assert "Tag: py3-none-any\n" in tag and "Root-Is-Purelib: true\n" in tag
    for line in metadata.splitlines():
        if line.startswith("License-File: "):
            assert f"{INFO}/licenses/{line.removeprefix('License-File: ')}" in names
