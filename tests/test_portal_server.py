"""`cchc-xlsx serve` as a process (issue 15): a server killed in the middle of an upload leaves no
half-registered file, and starts again with its register; a port in use or a plan that cannot be
read is one line on stderr and exit code 2."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip("starlette")
import httpx  # noqa: E402

from cchc_xlsx.portal.service import Portal  # noqa: E402
from portal_helpers import csrf_of, free_port, send, start_server, stop_server, wait_checked  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "workbooks" / "daklak-2018" / "ke-hoach-cchc-daklak-2018.xlsx"
RETURN = PLAN.parent / "returns" / "cchc-2018-so-tu-phap.xlsx"


def _links(data: Path, base: str) -> dict:
    portal = Portal(data, None, start_worker=False)
    try:
        return portal.links(base)
    finally:
        portal.close()


def test_a_server_killed_mid_upload_registers_nothing_and_restarts_with_its_register(tmp_path):
    data = tmp_path / "data"
    process, base = start_server(data, password="x-mật-khẩu")
    try:
        link = _links(data, base)["Sở Tư pháp"]
        with httpx.Client(base_url=base, timeout=60) as client:
            first = wait_checked(client, send(client, link, "a.xlsx", RETURN.read_bytes()).headers["location"])
            page = client.get(urlsplit(link).path)
        # a second upload whose body stops half-way, then the server is killed (SIGKILL)
        body = (f'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf_of(page.text)}\r\n'
                '--b\r\nContent-Disposition: form-data; name="file"; filename="b.xlsx"\r\n'
                'Content-Type: application/octet-stream\r\n\r\n').encode() + RETURN.read_bytes()
        port = urlsplit(base).port
        with socket.create_connection(("127.0.0.1", port)) as raw:
            raw.sendall((f"POST {urlsplit(link).path}/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {len(body) + 200}\r\n\r\n").encode()
                        + body[: len(body) // 2])
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    process, base = start_server(data)
    try:
        portal = Portal(data, None, start_worker=False)
        uploads = portal.uploads(portal.current_round().id)
        portal.close()
        assert [(u.id, u.sha256, u.status, u.superseded_by) for u in uploads] == [(first["id"], first["sha256"], "done", None)]
        assert not list((data / "files").glob(".incoming-*"))
        with httpx.Client(base_url=base, timeout=60) as client:
            assert wait_checked(client, f"{urlsplit(link).path}/uploads/{first['id']}") == first
    finally:
        out = stop_server(process)
    assert "Mật khẩu quản trị" not in out          # printed on the first start only (here: given by env)


def _serve(*args: str, data: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "serve", "--data", str(data), *args],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_port_in_use_is_a_clear_refusal(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as busy:
        done = _serve("--port", str(busy.getsockname()[1]), data=tmp_path / "data")
    assert done.returncode == 2 and "--port" in done.stderr and "Traceback" not in done.stderr


def test_a_plan_that_cannot_be_read_is_a_clear_refusal(tmp_path):
    bad = tmp_path / "ke-hoach.xlsx"
    bad.write_text("không phải bảng tính")
    done = _serve(str(bad), "--port", str(free_port()), data=tmp_path / "data")
    assert done.returncode == 2 and "ke-hoach.xlsx" in done.stderr and "Traceback" not in done.stderr
