"""The portal in a real browser (issue 15): Playwright for Python driving Debian's chromium,
headless, against `cchc-xlsx serve` on 127.0.0.1. An agency opens its link, downloads its
template, uploads it filled with an error, sees the finding, uploads a corrected copy and sees it
accepted; the Sở sees its register change and downloads a consolidated workbook whose totals equal
the CLI's on the same files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from portal_helpers import start_server, stop_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")]
sync_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "workbooks" / "daklak-2018" / "ke-hoach-cchc-daklak-2018.xlsx"
PASSWORD = "mật-khẩu-trình-duyệt"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _fill(template: Path, out: Path, start_month: str) -> Path:
    """The template with its first activity's start month set to ``start_month``, as an agency types it."""
    book = openpyxl.load_workbook(template)
    sheet = book["Phụ lục 1"]
    row = next(r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 1).value or "").startswith("Hoạt động"))
    sheet.cell(row, 5).value = start_month
    sheet.cell(row, 6).value = "Tháng 12"
    book.save(out)
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-portal")
    process, base = start_server(data, password=PASSWORD)
    links = json.loads(subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "links", "--data", str(data), "--base-url",
                                       base, "--json"], capture_output=True, text=True, check=True,
                                      env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout)
    yield base, links, data
    stop_server(process)


def test_an_agency_and_the_so_in_a_browser(server, tmp_path):
    base, links, _ = server
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            so = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900}).new_page()
            so.goto(base + "/admin")
            so.fill("input[name=password]", PASSWORD)
            so.click("button[type=submit]")
            row = so.locator('tr[data-agency="Sở Tư pháp"]')
            assert "chưa gửi" in row.inner_text()

            # an agency, on a phone-sized screen
            agency = browser.new_context(accept_downloads=True, viewport={"width": 390, "height": 844}).new_page()
            agency.goto(links["Sở Tư pháp"])
            assert agency.locator("h1").inner_text() == "Sở Tư pháp"
            with agency.expect_download() as info:
                agency.click("#template")
            template = tmp_path / info.value.suggested_filename
            info.value.save_as(template)

            agency.set_input_files("input[type=file]", str(_fill(template, tmp_path / "sai.xlsx", "Tháng 13")))
            agency.click("form[enctype] button[type=submit]")
            agency.wait_for_selector("#verdict", timeout=90_000)
            verdict = agency.locator("#verdict").inner_text()
            assert "lỗi" in verdict and "không có lỗi" not in verdict
            findings = agency.locator("table.findings").inner_text()
            assert "month-invalid" in findings and "Tháng 13" in findings and "Phụ lục 1" in findings

            agency.goto(links["Sở Tư pháp"])
            agency.set_input_files("input[type=file]", str(_fill(template, tmp_path / "dung.xlsx", "Tháng 04")))
            agency.click("form[enctype] button[type=submit]")
            agency.wait_for_selector("#verdict", timeout=90_000)
            assert "không có lỗi" in agency.locator("#verdict").inner_text()

            so.reload()
            row = so.locator('tr[data-agency="Sở Tư pháp"]')
            assert "đã nhận" in row.inner_text() and "1 bị thay thế" in row.inner_text()

            so.click("text=Tổng hợp ngay")
            so.wait_for_selector("#xlsx", timeout=180_000)
            with so.expect_download() as info:
                so.click("#xlsx")
            consolidated = tmp_path / "portal.xlsx"
            info.value.save_as(consolidated)
            shown_total = so.locator("#total").inner_text()
            if shutil.which("soffice") or shutil.which("libreoffice"):     # the printout, through LibreOffice
                with so.expect_download() as info:
                    so.click("#pdf")
                pdf = tmp_path / "portal.pdf"
                info.value.save_as(pdf)
                assert pdf.read_bytes().startswith(b"%PDF")
        finally:
            browser.close()

    # the CLI on the same file
    out = tmp_path / "cli.xlsx"
    folder = tmp_path / "same"
    folder.mkdir()
    shutil.copy(tmp_path / "dung.xlsx", folder / "dung.xlsx")
    cli = json.loads(subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "consolidate", str(folder), "--plan", str(PLAN),
                                     "-o", str(out), "--json"], capture_output=True, text=True,
                                    env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout)
    ours, theirs = openpyxl.load_workbook(consolidated, data_only=True), openpyxl.load_workbook(out, data_only=True)
    for name in ours.sheetnames[:2]:
        numbers = [[c for c in row if isinstance(c, (int, float))] for row in ours[name].iter_rows(values_only=True)]
        assert numbers == [[c for c in row if isinstance(c, (int, float))] for row in theirs[name].iter_rows(values_only=True)]
    total = f"{cli['total']:,.3f}".rstrip("0").rstrip(".").translate(str.maketrans(",.", ".,"))
    assert total in shown_total
