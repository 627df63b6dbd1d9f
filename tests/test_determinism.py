"""Two builds of the same catalogue produce byte-identical sites.

The second project lives at another path and gets its record files written in reverse order
(so directory order and file times differ); both builds use the same SOURCE_DATE_EPOCH, the
one input MkDocs takes from the clock (sitemap dates, the gzip header of sitemap.xml.gz).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from tests.conftest import FIXTURES, make_project, mkdocs_build

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01


def build(project: Path) -> dict[str, str]:
    result = mkdocs_build(project, env=EPOCH)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def test_two_builds_are_byte_identical(tmp_path):
    catalogue = FIXTURES / "mini" / "catalogue"
    first = make_project(tmp_path / "first", catalogue)
    second = make_project(tmp_path / "elsewhere" / "second", catalogue)
    records = sorted((second / "catalogue" / "papers").glob("*.yml"), reverse=True)
    for record in records:  # rewrite in reverse order: other inode order and modification times
        data = record.read_bytes()
        record.unlink()
        record.write_bytes(data)
    shutil.rmtree(second / "overrides")
    shutil.copytree(first / "overrides", second / "overrides")

    first_site, second_site = build(first), build(second)

    assert len(first_site) > 20 and any(name.startswith("papers/") for name in first_site)
    assert "sitemap.xml.gz" in first_site
    assert sorted(first_site) == sorted(second_site)
    differing = [name for name in first_site if first_site[name] != second_site[name]]
    assert differing == []
