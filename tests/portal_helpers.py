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
