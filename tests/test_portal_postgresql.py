"""The portal on PostgreSQL (issue 15): the same store through `--db postgresql+psycopg://…`.
Runs only where PostgreSQL's own `initdb` and `pg_ctl` are installed (a throwaway cluster on
127.0.0.1 and a free port, in a temporary folder); skipped elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("psycopg")
from starlette.testclient import TestClient  # noqa: E402

from cchc_xlsx.portal.app import create_app  # noqa: E402
from cchc_xlsx.portal.server import open_portal  # noqa: E402
from portal_helpers import free_port, path_of, send, wait_checked  # noqa: E402

PG_CTL, INITDB = shutil.which("pg_ctl"), shutil.which("initdb")
pytestmark = pytest.mark.skipif(not (PG_CTL and INITDB), reason="PostgreSQL (initdb, pg_ctl) is not installed")
PLAN = Path(__file__).resolve().parents[1] / "workbooks" / "daklak-2018" / "ke-hoach-cchc-daklak-2018.xlsx"


@pytest.fixture
def postgresql(tmp_path):
    """A PostgreSQL cluster of its own on 127.0.0.1 (as the postgres user when run as root)."""
    # not under tmp_path: pytest's folders are private to this user, the postgres user must enter
    top = Path(tempfile.mkdtemp(prefix="cchc-pg-"))
    top.chmod(0o755)
    cluster, port = top / "pg", free_port()
    as_user: list[str] = []
    cluster.mkdir()
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser: PostgreSQL refuses to run as root")
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(cluster, "postgres")
    subprocess.run([*as_user, INITDB, "-D", str(cluster), "-U", "cchc", "--auth=trust", "-E", "UTF8", "--no-sync"],
                   check=True, capture_output=True)
    subprocess.run([*as_user, PG_CTL, "-D", str(cluster), "-w", "-l", str(cluster / "log"), "-o",
                    f"-h 127.0.0.1 -p {port} -k {cluster} -F", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://cchc@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, PG_CTL, "-D", str(cluster), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(top, ignore_errors=True)


def test_the_register_on_postgresql(postgresql, tmp_path):
    data = tmp_path / "data"
    portal, _ = open_portal(data, PLAN, postgresql, admin_password="pg-mật-khẩu", workers=1)
    link = portal.links("http://testserver")["Sở Tư pháp"]
    assert not (data / "portal.sqlite3").exists()
    with TestClient(create_app(portal)) as client:
        sent = (PLAN.parent / "returns" / "cchc-2018-so-tu-phap.xlsx").read_bytes()
        checked = wait_checked(client, send(client, link, "tu-phap.xlsx", sent).headers["location"])
        assert any(f["code"] == "month-invalid" and f["cell"] == "E31" for f in checked["findings"])
    again, _ = open_portal(data, PLAN, postgresql, start_worker=False)
    with TestClient(create_app(again)) as client:
        assert wait_checked(client, f"{path_of(link)}/uploads/{checked['id']}") == checked
    again.close()
