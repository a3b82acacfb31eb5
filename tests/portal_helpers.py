"""Helpers of the portal's tests: what a script does to use the portal as a person does."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    return CSRF.search(html).group(1)


def path_of(url: str) -> str:
    return urlsplit(url).path


def send(client, link: str, name: str, data: bytes):
    """Upload ``data`` as ``name`` through the agency page's form (its CSRF token included)."""
    page = client.get(path_of(link))
    assert page.status_code == 200, page.text
    return client.post(path_of(link) + "/upload", data={"csrf": csrf_of(page.text)},
                       files={"file": (name, data)}, follow_redirects=False)


def wait_checked(client, location: str, timeout: float = 90) -> dict:
    """The upload's JSON once its check is done."""
    deadline = time.monotonic() + timeout
    while True:
        answer = client.get(path_of(location) + ".json")
        assert answer.status_code == 200, answer.text
        upload = answer.json()
        if upload["status"] == "done":
            return upload
        assert time.monotonic() < deadline, f"not checked in {timeout} s: {upload}"
        time.sleep(0.1)


def login(client, password: str) -> None:
    page = client.get("/login")
    answer = client.post("/login", data={"csrf": csrf_of(page.text), "name": "admin", "password": password},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data, *args: str, password: str = "", timeout: float = 90):
    """``cchc-xlsx serve --data DATA`` on 127.0.0.1 and a free port, in a process of its own;
    returns (process, base URL) once ``/healthz`` answers 200."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import httpx

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    if password:
        env["CCHC_ADMIN_PASSWORD"] = password
    process = subprocess.Popen([sys.executable, "-m", "cchc_xlsx.cli", "serve", "--data", str(data), "--host", "127.0.0.1",
                                "--port", str(port), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the server did not start: {process.stdout.read()}")
        time.sleep(0.2)


def stop_server(process) -> str:
    """Stop the server (SIGTERM, as a service manager does); its output."""
    process.terminate()
    try:
        out, _ = process.communicate(timeout=30)
    except Exception:
        process.kill()
        out, _ = process.communicate()
    return out or ""
