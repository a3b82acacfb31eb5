"""The intake portal (issue 15), as its users see it through HTTP: an agency's link, its template,
its uploads and their findings; the Sở's register, consolidation, history and export; and what
anyone else gets (403/404), with every form's CSRF token, escaping and bad uploads."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import secrets
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

pytest.importorskip("starlette")
pytest.importorskip("sqlalchemy")
from starlette.testclient import TestClient  # noqa: E402

from cchc_xlsx.cli import main  # noqa: E402
from cchc_xlsx.feedback import FEEDBACK_SHEET  # noqa: E402
from cchc_xlsx.messages import CATALOGUE  # noqa: E402
from cchc_xlsx.portal.app import create_app  # noqa: E402
from cchc_xlsx.portal.db import Link  # noqa: E402
from cchc_xlsx.portal.server import open_portal  # noqa: E402
from cchc_xlsx.portal.service import safe_name  # noqa: E402
from portal_helpers import csrf_of, login, path_of, send, wait_checked  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "workbooks" / "daklak-2018" / "ke-hoach-cchc-daklak-2018.xlsx"
RETURNS = PLAN.parent / "returns"
PASSWORD = "mật-khẩu-thử-portal"
MB = 1024 * 1024
AGENCIES = ["Sở Tư pháp", "Văn phòng UBND tỉnh", "Sở Nội vụ", "Sở Tài chính", "Sở Thông tin và Truyền thông",
            "Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch", "Cổng Thông tin điện tử tỉnh"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A portal on the bundled plan with two check workers, as `cchc-xlsx serve` runs it."""
    data = tmp_path_factory.mktemp("portal")
    portal, generated = open_portal(data, PLAN, admin_password=PASSWORD, max_upload=2 * MB, workers=2)
    assert generated is None
    app = create_app(portal)
    with TestClient(app) as client:
        yield SimpleNamespace(portal=portal, app=app, client=client, data=data,
                              links=portal.links("http://testserver"))


@pytest.fixture
def quiet(tmp_path):
    """A portal of its own, without check workers (access rules only)."""
    portal, _ = open_portal(tmp_path / "data", PLAN, admin_password=PASSWORD, start_worker=False)
    app = create_app(portal)
    with TestClient(app) as client:
        yield SimpleNamespace(portal=portal, app=app, client=client, links=portal.links("http://testserver"))


def _client(app) -> TestClient:
    return TestClient(app)          # cookies of its own: another person on the same server


def _fixed_tu_phap(tmp_path: Path, month: str) -> bytes:
    """The Sở Tư pháp sample return with the start month of 1.4.4 (E31, «Tháng 13») set to ``month``."""
    book = openpyxl.load_workbook(RETURNS / "cchc-2018-so-tu-phap.xlsx")
    sheet = book["Phụ lục 1"]
    assert sheet["E31"].value == "Tháng 13"
    sheet["E31"] = month
    out = tmp_path / "fixed.xlsx"
    book.save(out)
    return out.read_bytes()


# --------------------------------------------------------------------------- start, links
def test_healthz_and_links_json(served, capsys):
    assert served.client.get("/healthz").status_code == 200
    assert main(["links", "--data", str(served.data), "--base-url", "http://testserver", "--json"]) == 0
    links = json.loads(capsys.readouterr().out)
    assert links == served.links and list(links) == AGENCIES
    tokens = [path_of(url).removeprefix("/a/") for url in links.values()]
    assert len(set(tokens)) == len(tokens) and all(len(t) >= 22 for t in tokens)     # ≥ 128 bits, base64
    database = (served.data / "portal.sqlite3").read_bytes()
    assert not any(t.encode() in database for t in tokens)                           # stored hashed only


def test_links_of_a_folder_without_portal_is_a_clear_refusal(tmp_path, capsys):
    assert main(["links", "--data", str(tmp_path / "nothing"), "--json"]) == 2
    assert "cchc-xlsx serve" in capsys.readouterr().err


def test_every_portal_message_is_in_both_languages():
    used = set()
    for path in (ROOT / "cchc_xlsx" / "portal").rglob("*"):
        if path.suffix in (".html", ".py"):
            used |= set(__import__("re").findall(r'"(portal\.[a-z_]+\.[a-z_.]+)"', path.read_text()))
    used |= {f"portal.severity.{s}" for s in ("error", "warning", "info")}
    used |= {f"portal.consolidation.{s}" for s in ("queued", "done", "failed")}
    missing = sorted(key for key in used if key not in CATALOGUE)
    assert not missing
    fields = lambda template: {name for _, name, _, _ in __import__("string").Formatter().parse(template) if name}  # noqa: E731
    for key in used:
        vi, en = CATALOGUE[key]
        assert vi.strip() and en.strip() and (vi != en or key == "portal.switch")
        assert fields(vi) == fields(en), key


# --------------------------------------------------------------------------- an agency's page
def test_agency_page_in_vietnamese_and_english_and_its_own_template(served):
    client = _client(served.app)
    link = served.links["Sở Tư pháp"]
    page = client.get(path_of(link))
    assert page.status_code == 200 and "Sở Tư pháp" in page.text and "Tải biểu mẫu" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    english = client.get(path_of(link) + "?lang=en")
    assert "Download the template" in english.text
    assert "Download the template" in client.get(path_of(link)).text       # the choice is remembered
    template = client.get(path_of(link) + "/template")
    assert template.status_code == 200 and "cchc-2018-so-tu-phap.xlsx" in template.headers["content-disposition"]
    meta = openpyxl.load_workbook(io.BytesIO(template.content))["_cchc_meta"]
    assert {row[0]: row[1] for row in meta.iter_rows(max_row=11, values_only=True)}["agency"] == "Sở Tư pháp"


def test_upload_with_errors_shows_findings_then_a_corrected_copy_is_accepted(served, tmp_path):
    client = _client(served.app)
    link = served.links["Sở Tư pháp"]
    answer = send(client, link, "cchc-2018-so-tu-phap.xlsx", (RETURNS / "cchc-2018-so-tu-phap.xlsx").read_bytes())
    assert answer.status_code == 303
    first = wait_checked(client, answer.headers["location"])
    wrong = [f for f in first["findings"] if f["code"] == "month-invalid"]
    assert wrong and wrong[0]["sheet"] == "Phụ lục 1" and wrong[0]["cell"] == "E31" and first["severity_counts"]["error"] >= 1
    page = client.get(path_of(answer.headers["location"]))
    assert "Phụ lục 1!E31" in page.text and "Tháng 13" in page.text and "Hãy sửa các lỗi" in page.text
    feedback = client.get(path_of(answer.headers["location"]) + "/feedback")
    assert feedback.status_code == 200
    assert FEEDBACK_SHEET in openpyxl.load_workbook(io.BytesIO(feedback.content)).sheetnames

    again = send(client, link, "cchc-2018-so-tu-phap (đã sửa).xlsx", _fixed_tu_phap(tmp_path, "Tháng 04"))
    second = wait_checked(client, again.headers["location"])
    assert second["severity_counts"]["error"] == 0, second["findings"]
    assert "Báo cáo đã được nhận, không có lỗi" in client.get(path_of(again.headers["location"])).text
    assert wait_checked(client, answer.headers["location"])["superseded_by"] == second["id"]
    page = client.get(path_of(link)).text
    assert "Đã nhận báo cáo, không có lỗi." in page and "đã được thay bằng tệp gửi sau" in page


# --------------------------------------------------------------------------- access
def test_another_agency_never_sees_a_file_of_this_one(served):
    owner = _client(served.app)
    answer = send(owner, served.links["Sở Tài chính"], "tai-chinh.xlsx", (RETURNS / "cchc-2018-so-tai-chinh.xlsx").read_bytes())
    upload = path_of(answer.headers["location"]).rsplit("/", 1)[-1]
    wait_checked(owner, answer.headers["location"])
    other = _client(served.app)
    base = path_of(served.links["Sở Nội vụ"])
    for suffix in ("", ".json", "/feedback", "/file"):
        assert other.get(f"{base}/uploads/{upload}{suffix}").status_code == 404, suffix
        assert owner.get(f"{path_of(served.links['Sở Tài chính'])}/uploads/{upload}{suffix}").status_code == 200, suffix
    for page in ("/admin", "/admin/links", "/admin/findings", "/admin/history", "/admin/export",
                 f"/admin/uploads/{upload}", f"/admin/uploads/{upload}/file", f"/admin/uploads/{upload}/feedback",
                 "/admin/consolidations/1", "/admin/consolidations/1/xlsx"):
        assert other.get(page).status_code in (403, 404), page
    assert other.post("/admin/consolidate", data={"csrf": "x"}).status_code == 403


def test_a_guessed_token_never_works(quiet):
    client = quiet.client
    token = path_of(quiet.links["Sở Nội vụ"]).removeprefix("/a/")
    guesses = [secrets.token_urlsafe(32), token[:-1] + ("A" if token[-1] != "A" else "B"), token[:22], "x" * 500, "0"]
    for guess in guesses:
        assert client.get(f"/a/{guess}").status_code == 404
        assert client.get(f"/a/{guess}/template").status_code == 404
    assert client.get(f"/a/{token}").status_code == 200


def test_revoked_and_expired_links_stop_working(quiet):
    admin = _client(quiet.app)
    login(admin, PASSWORD)
    link = quiet.links["Cổng Thông tin điện tử tỉnh"]
    row = next(l for l in quiet.portal.link_rows(quiet.portal.current_round().id) if l.agency == "Cổng Thông tin điện tử tỉnh")
    csrf = csrf_of(admin.get("/admin/links").text)
    assert admin.post(f"/admin/links/{row.id}/reissue", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert quiet.client.get(path_of(link)).status_code == 404
    assert quiet.client.get(path_of(link) + "/template").status_code == 404
    refused = quiet.client.post(path_of(link) + "/upload", data={"csrf": quiet.portal.sign(f"link:{row.id}")},
                                files={"file": ("a.xlsx", b"PK\x03\x04")})
    assert refused.status_code == 404
    new = quiet.portal.links("http://testserver")["Cổng Thông tin điện tử tỉnh"]
    assert new != link and quiet.client.get(path_of(new)).status_code == 200

    expiring = quiet.links["Sở Tài chính"]
    with quiet.portal.Session.begin() as db:
        for l in db.query(Link).filter(Link.agency == "Sở Tài chính"):
            l.expires_at = dt.datetime(2020, 1, 1)
    assert quiet.client.get(path_of(expiring)).status_code == 404
    assert "Sở Tài chính" not in quiet.portal.links("http://testserver")


def test_forms_without_their_csrf_token_are_refused(quiet):
    client = quiet.client
    link = path_of(quiet.links["Sở Tư pháp"])
    files = {"file": ("a.xlsx", (RETURNS / "cchc-2018-so-tu-phap.xlsx").read_bytes())}
    assert client.post(link + "/upload", files=files).status_code == 403
    other_csrf = csrf_of(client.get(path_of(quiet.links["Sở Nội vụ"])).text)
    assert client.post(link + "/upload", data={"csrf": other_csrf}, files=files).status_code == 403
    assert client.post("/login", data={"name": "admin", "password": PASSWORD}).status_code == 403
    admin = _client(quiet.app)
    login(admin, PASSWORD)
    for form in ("/admin/consolidate", "/admin/round", "/logout", "/admin/links/1/revoke"):
        assert admin.post(form, data={}).status_code == 403, form
        assert admin.post(form, data={"csrf": other_csrf}).status_code == 403, form
    assert quiet.portal.uploads(quiet.portal.current_round().id) == []
    assert quiet.portal.link_for(path_of(quiet.links["Sở Nội vụ"]).removeprefix("/a/")) is not None


def test_failed_logins_are_bounded(quiet):
    client = _client(quiet.app)
    for _ in range(5):
        page = client.get("/login")
        assert client.post("/login", data={"csrf": csrf_of(page.text), "password": "sai"}).status_code == 403
    page = client.get("/login")
    refused = client.post("/login", data={"csrf": csrf_of(page.text), "password": PASSWORD}, follow_redirects=False)
    assert refused.status_code == 403 and "tạm khóa" in refused.text


# --------------------------------------------------------------------------- what agencies send
def test_agency_text_is_escaped(served, tmp_path):
    client = _client(served.app)
    link = served.links["Cổng Thông tin điện tử tỉnh"]
    answer = send(client, link, "<img src=x onerror=alert(1)>.xlsx", _fixed_tu_phap(tmp_path, "<script>alert(1)</script>"))
    checked = wait_checked(client, answer.headers["location"])
    assert checked["findings"][0]["code"] == "upload-other-agency"       # a Sở Tư pháp return on this link
    page = client.get(path_of(answer.headers["location"])).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page
    listing = client.get(path_of(link)).text
    assert "<img" not in listing and "&lt;img" in listing


def _zip_bomb(path: Path, inflated: int = 120 * MB) -> bytes:
    """A workbook-shaped zip whose one sheet inflates to ``inflated`` bytes of blanks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b" " * MB
            for _ in range(inflated // MB):
                sheet.write(chunk)
    return path.read_bytes()


def _corpus(tmp_path: Path) -> list[Path]:
    """Returns as agencies really send them (issue 10's corpus), those built without LibreOffice."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from returns_corpus import build
    names = ["far-cell-zz100000", "far-dimension", "formula-error-cached", "hidden-sheet-phu-luc-2",
             "hidden-rows-filter", "docx-named-xlsx", "html-named-xls", "pdf-named-xls", "xlsx-named-xls",
             "text-legacy-tcvn3", "text-budget-huge", "text-formula-overflow"]
    return [path for paths in build(tmp_path / "corpus", names).values() for path in paths]


def test_bad_uploads_give_a_finding_or_a_refusal_and_never_stop_other_agencies(served, tmp_path):
    client = _client(served.app)
    link = served.links["Sở Khoa học và Công nghệ"]
    rid = served.portal.current_round().id
    before = len(served.portal.uploads(rid))

    too_big = send(client, link, "big.xlsx", b"PK\x03\x04" + b"\0" * (3 * MB))
    assert too_big.status_code == 413 and "quá lớn" in too_big.text
    empty = send(client, link, "empty.xlsx", b"")
    assert empty.status_code == 413 and "rỗng" in empty.text
    page = client.get(path_of(link))
    nothing = client.post(path_of(link) + "/upload", data={"csrf": csrf_of(page.text)},
                          files={"file": ("", b"")})
    assert nothing.status_code == 400
    def chunks():
        yield b"--b\r\n"
    chunked = client.post(path_of(link) + "/upload", content=chunks(),
                          headers={"content-type": "multipart/form-data; boundary=b"})
    assert chunked.status_code == 411
    two = client.post(path_of(link) + "/upload", data={"csrf": csrf_of(page.text)},
                      files=[("file", ("a.xlsx", b"PK")), ("file", ("b.xlsx", b"PK"))])
    assert two.status_code == 400
    assert len(served.portal.uploads(rid)) == before               # refused: nothing registered

    sent = {"bomb.xlsx": _zip_bomb(tmp_path / "bomb.xlsx"), "ghi-chu.txt": b"Danh s\xc3\xa1ch",
            "random.xlsx": secrets.token_bytes(5000),
            "truncated.xlsx": (RETURNS / "so-khcn-ban-sao.xlsx").read_bytes()[:4000],
            "~$lock.xlsx": (RETURNS / "~$cchc-2018-so-noi-vu.xlsx").read_bytes()}
    sent |= {path.name: path.read_bytes() for path in _corpus(tmp_path)}
    locations = {}
    for name, data in sent.items():
        answer = send(client, link, name, data)
        assert answer.status_code == 303, (name, answer.status_code)
        locations[name] = answer.headers["location"]
    # meanwhile another agency uploads and is checked, and the pages answer
    other = _client(served.app)
    good = send(other, served.links["Sở Văn hóa, Thể thao và Du lịch"], "vhttdl.ods",
                (RETURNS / "cchc-2018-so-van-hoa-the-thao-va-du-lich.ods").read_bytes())
    assert served.client.get("/healthz").status_code == 200
    assert other.get(path_of(served.links["Sở Văn hóa, Thể thao và Du lịch"])).status_code == 200
    assert wait_checked(other, good.headers["location"])["severity_counts"]["error"] == 0

    for name, location in locations.items():
        checked = wait_checked(client, location)
        page = client.get(path_of(location))
        assert page.status_code == 200 and 'id="verdict"' in page.text, name
        if name in ("bomb.xlsx", "random.xlsx", "truncated.xlsx", "docx-named-xlsx.xlsx"):
            assert checked["findings"] and checked["findings"][0]["code"] == "file-unreadable", (name, checked["findings"])
        if name in ("ghi-chu.txt", "~$lock.xlsx"):
            assert checked["findings"][0]["code"] in ("file-skipped", "file-unreadable"), (name, checked["findings"])
    bomb = wait_checked(client, locations["bomb.xlsx"])
    assert "bom nén" in bomb["findings"][0]["message"]
    assert len(served.portal.uploads(rid)) == before + len(sent) + 1
    # the agency's real return last: it is the one the register counts
    final = send(client, link, "so-khcn-ban-sao.xlsx", (RETURNS / "so-khcn-ban-sao.xlsx").read_bytes())
    assert wait_checked(client, final.headers["location"])["matched_agency"] == "Sở Khoa học và Công nghệ"


# --------------------------------------------------------------------------- the Sở
def _upload_samples(served) -> None:
    client = _client(served.app)
    samples = [("Văn phòng UBND tỉnh", "cchc-2018-van-phong-ubnd-tinh.xlsx"), ("Sở Nội vụ", "cchc-2018-so-noi-vu.xlsx"),
               ("Sở Nội vụ", "cchc-2018-so-noi-vu-ban-sua.xlsx"),
               ("Sở Thông tin và Truyền thông", "cchc-2018-so-thong-tin-va-truyen-thong.xlsx")]
    for agency, name in samples:
        wait_checked(client, send(client, served.links[agency], name, (RETURNS / name).read_bytes()).headers["location"])


def test_register_consolidation_equal_to_the_cli_history_and_export(served, tmp_path, capsys):
    _upload_samples(served)
    admin = _client(served.app)
    login(admin, PASSWORD)
    register = admin.get("/admin")
    assert register.status_code == 200
    rows = {row.agency: row for row in served.portal.register(served.portal.current_round())}
    assert rows["Sở Nội vụ"].uploads == 2 and rows["Sở Nội vụ"].superseded == 1
    assert all(row.received for row in rows.values())
    assert 'data-agency="Sở Nội vụ" data-state="done"' in register.text

    answer = admin.post("/admin/consolidate", data={"csrf": csrf_of(register.text), "pdf": "no"}, follow_redirects=False)
    assert answer.status_code == 303
    location = answer.headers["location"]
    cid = int(location.rsplit("/", 1)[-1])
    for _ in range(600):
        consolidation = served.portal.consolidation(cid)
        if consolidation.status != "queued":
            break
        __import__("time").sleep(0.1)
    assert consolidation.status == "done", consolidation.summary
    page = admin.get(location).text
    assert 'id="xlsx"' in page
    workbook = admin.get(location + "/xlsx")
    assert workbook.status_code == 200

    # the CLI on the same files
    folder = tmp_path / "same"
    for upload in (served.portal.upload(i) for i in consolidation.upload_ids):
        served.portal.store.copy_to(upload.sha256, folder / f"{upload.id}" / upload.stored_name)
    out = tmp_path / "cli.xlsx"
    main(["consolidate", str(folder), "--plan", str(PLAN), "-o", str(out), "--json"])
    cli = json.loads(capsys.readouterr().out)
    assert consolidation.summary["total"] == pytest.approx(cli["total"])
    assert consolidation.summary["budget_by_agency"] == pytest.approx(cli["budget_by_agency"])
    ours = openpyxl.load_workbook(io.BytesIO(workbook.content), data_only=True)
    theirs = openpyxl.load_workbook(out, data_only=True)
    for name in ours.sheetnames[:2]:
        numbers = [[c for c in row if isinstance(c, (int, float))] for row in ours[name].iter_rows(values_only=True)]
        assert numbers == [[c for c in row if isinstance(c, (int, float))] for row in theirs[name].iter_rows(values_only=True)]

    english = {"/admin?lang=en": "Consolidate now", "/admin/links": "Issue a new link", "/admin/findings": "Findings",
               "/admin/history": "File history", location: "Download the consolidated workbook",
               f"/admin/uploads/{consolidation.upload_ids[0]}": "Severity"}
    for url, words in english.items():                  # the English switch, remembered page to page
        answer = admin.get(url)
        assert answer.status_code == 200 and words in answer.text, url
    admin.get("/admin?lang=vi")
    history = admin.get("/admin/history").text
    uploads = served.portal.uploads(served.portal.current_round().id)
    assert all(f">{u.id}</td>" in history for u in uploads)
    assert "Lỗi" in admin.get("/admin/findings").text

    archive = zipfile.ZipFile(io.BytesIO(admin.get("/admin/export").content))
    database = json.loads(archive.read("database.json"))
    assert len(database["upload"]) == len(uploads)
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(archive.read("portal.sqlite3"))
    import sqlite3
    with sqlite3.connect(copy) as db:
        assert db.execute("select count(*) from upload").fetchone()[0] == len(uploads)
    for upload in uploads:
        assert hashlib.sha256(archive.read(f"files/{upload.sha256}")).hexdigest() == upload.sha256


def test_a_failed_registration_leaves_nothing_half_registered(served, monkeypatch):
    """A write that fails half-way (a server killed mid-upload) leaves the register as it was."""
    rid = served.portal.current_round().id
    before = [(u.id, u.superseded_by) for u in served.portal.uploads(rid)]

    def killed(*args):
        raise KeyboardInterrupt("killed")
    monkeypatch.setattr(type(served.portal), "on_time", staticmethod(killed))
    link = served.portal.link_for(path_of(served.links["Sở Nội vụ"]).removeprefix("/a/"))
    with pytest.raises(KeyboardInterrupt):
        served.portal.receive(link, io.BytesIO(b"PK\x03\x04 half"), "x.xlsx")
    assert [(u.id, u.superseded_by) for u in served.portal.uploads(rid)] == before


def test_a_restart_keeps_the_register_and_the_files(tmp_path):
    data = tmp_path / "data"
    portal, _ = open_portal(data, PLAN, admin_password=PASSWORD, workers=1)
    app = create_app(portal)
    link = portal.links("http://testserver")["Sở Tư pháp"]
    with TestClient(app) as client:
        checked = wait_checked(client, send(client, link, "a.xlsx", (RETURNS / "cchc-2018-so-tu-phap.xlsx").read_bytes())
                               .headers["location"])
    again, generated = open_portal(data, PLAN, start_worker=False)
    assert generated is None
    with TestClient(create_app(again)) as client:
        assert again.links("http://testserver")["Sở Tư pháp"] == link
        after = wait_checked(client, f"{path_of(link)}/uploads/{checked['id']}")
        assert after == checked
        assert hashlib.sha256(client.get(f"{path_of(link)}/uploads/{checked['id']}/file").content).hexdigest() \
            == checked["sha256"] == hashlib.sha256((RETURNS / "cchc-2018-so-tu-phap.xlsx").read_bytes()).hexdigest()
        login(client, PASSWORD)


def test_a_new_round_with_a_deadline_says_which_returns_are_late(quiet):
    admin = _client(quiet.app)
    login(admin, PASSWORD)
    answer = admin.post("/admin/round", data={"csrf": csrf_of(admin.get("/admin").text), "deadline": "2018-01-15"},
                        follow_redirects=False)
    assert answer.status_code == 303
    links = quiet.portal.links("http://testserver")
    assert list(links) == AGENCIES and set(links.values()).isdisjoint(quiet.links.values())
    client = _client(quiet.app)
    page = client.get(path_of(links["Sở Tư pháp"])).text
    assert "Hạn gửi báo cáo: 15/01/2018" in page
    sent = send(client, links["Sở Tư pháp"], "a.xlsx", (RETURNS / "cchc-2018-so-tu-phap.xlsx").read_bytes())
    assert sent.status_code == 303
    assert "nộp trễ hạn" in client.get(path_of(links["Sở Tư pháp"])).text
    waiting = client.get(path_of(sent.headers["location"]))              # no check worker here: it waits
    assert "đang chờ kiểm tra" in waiting.text and 'http-equiv="refresh"' in waiting.text
    assert client.get(path_of(sent.headers["location"]) + ".json").json()["status"] == "queued"
    register = admin.get("/admin").text
    assert "1 đã gửi · 7 chưa gửi · 1 trễ hạn" in register
    bad = admin.post("/admin/round", data={"csrf": csrf_of(register), "deadline": "15/01"}, follow_redirects=False)
    assert bad.status_code == 400 and "Ngày không hợp lệ" in bad.text


def test_the_first_start_generates_a_password_printed_once(tmp_path, monkeypatch):
    monkeypatch.delenv("CCHC_ADMIN_PASSWORD", raising=False)
    portal, generated = open_portal(tmp_path, PLAN, start_worker=False)
    assert generated and len(generated) >= 12 and portal.login("admin", generated)
    assert portal.login("admin", generated + "x") is None
    portal.close()
    again, second = open_portal(tmp_path, PLAN, start_worker=False)
    assert second is None and again.login("admin", generated)
    again.close()


def test_the_migrations_make_the_schema_the_models_describe(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from cchc_xlsx.portal.db import Base, make_engine, migrate, sqlite_url

    engine = make_engine(sqlite_url(tmp_path))
    migrate(engine)
    migrate(engine)                                   # a second start changes nothing
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


@pytest.mark.parametrize("sent,seen", [
    ("../../etc/passwd.xlsx", "passwd.xlsx"),
    ("C:\\Users\\an\\Báo cáo quý 1.XLSX", "bao-cao-quy-1.xlsx"),
    ("<img src=x>.ods", "img-src-x.ods"),
    ("", "don-vi"),
    ("a" * 300 + ".xlsx", "a" * 60 + ".xlsx"),
])
def test_a_sent_file_name_is_never_a_path(sent, seen):
    assert safe_name(sent) == seen


def test_a_stopped_server_keeps_queued_checks_for_the_next_start(tmp_path):
    """Stopping drops the checks still queued; they stay «queued» in the register and run at the next start."""
    data = tmp_path / "data"
    portal, _ = open_portal(data, PLAN, admin_password=PASSWORD, start_worker=False)   # no checker: all stay queued
    link = portal.link_for(path_of(portal.links("http://testserver")["Sở Tài chính"]).removeprefix("/a/"))
    upload = portal.receive(link, io.BytesIO((RETURNS / "cchc-2018-so-tai-chinh.xlsx").read_bytes()), "tc.xlsx")
    assert portal.upload(upload.id).status == "queued"
    portal.close()
    again, _ = open_portal(data, PLAN, workers=1)
    with TestClient(create_app(again)) as client:             # the start resumes it
        token = path_of(again.links("http://testserver")["Sở Tài chính"])
        checked = wait_checked(client, f"{token}/uploads/{upload.id}")
    assert checked["matched_agency"] == "Sở Tài chính" and any(f["code"] == "template-version" for f in checked["findings"])


def test_a_failed_consolidation_says_why(quiet):
    from cchc_xlsx.portal.db import Consolidation

    with quiet.portal.Session.begin() as db:
        failed = Consolidation(round_id=quiet.portal.current_round().id, status="failed", upload_ids=[],
                               xlsx_sha256="", pdf_sha256="", summary={"problem": "<b>đĩa đầy</b>"})
        db.add(failed)
        db.flush()
        cid = failed.id
    admin = _client(quiet.app)
    login(admin, PASSWORD)
    page = admin.get(f"/admin/consolidations/{cid}")
    assert page.status_code == 200 and "không thực hiện được" in page.text and "&lt;b&gt;đĩa đầy" in page.text
    assert admin.get(f"/admin/consolidations/{cid}/xlsx").status_code == 404
