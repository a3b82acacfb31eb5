"""The portal's web pages (Starlette, rendered on the server with autoescaped Jinja2, no JavaScript)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import tempfile
import zipfile
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import anyio.to_thread
import jinja2
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..messages import text
from . import texts  # noqa: F401  (registers the portal's messages)
from .db import Admin, AdminSession, Consolidation, Link, Round, Setting, Upload
from .service import VIETNAM, Portal, PortalError

__all__ = ["create_app"]

HERE = Path(__file__).parent
SESSION_COOKIE, LANG_COOKIE, LOGIN_COOKIE = "cchc_session", "cchc_lang", "cchc_login"
#: Threads that keep and register uploads at once (the pages have the rest of Starlette's pool).
UPLOAD_THREADS = 4
#: Room for the multipart envelope around a file of the largest size allowed.
_ENVELOPE = 64 * 1024
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADERS = {
    # links carry the agency's token: never send them on as a Referer
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "Cache-Control": "no-store",
}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["local"] = _local_time
    env.filters["trieu"] = _trieu
    return env


def _trieu(value: float | None, lang: str = "vi") -> str:
    """An amount in triệu đồng as people write it: 8.000,5 in Vietnamese, 8,000.5 in English."""
    if value is None:
        return ""
    written = f"{float(value):,.3f}".rstrip("0").rstrip(".")
    return written.translate(str.maketrans(",.", ".,")) if lang == "vi" else written


def _local_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=dt.timezone.utc).astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def create_app(portal: Portal, *, base_url: str = "") -> Starlette:
    """The web application over ``portal``. Its background checks start with the server and
    resume what a stopped server left unfinished; ``GET /healthz`` answers 200 once ready."""
    env = _environment()
    state = {"ready": False}
    # uploads keep their files and register them (disk flushes, the database's write lock) with a
    # few threads of their own, so that a burst of them leaves the other threads to the pages
    uploads_limiter = anyio.CapacityLimiter(UPLOAD_THREADS)

    def lang_of(request: Request) -> str:
        asked = request.query_params.get("lang")
        if asked in ("vi", "en"):
            return asked
        return "en" if request.cookies.get(LANG_COOKIE) == "en" else "vi"

    def render(request: Request, name: str, status_code: int = 200, **context) -> Response:
        lang = lang_of(request)
        other = "en" if lang == "vi" else "vi"
        page = env.get_template(name).render(
            t=lambda key, **values: text(key, lang, **values), lang=lang, other_lang=other,
            switch_url=f"{request.url.path}?lang={other}", **context)
        response = Response(page, status_code=status_code, media_type="text/html; charset=utf-8", headers=_HEADERS)
        if request.query_params.get("lang") in ("vi", "en"):
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
        return response

    def problem(request: Request, status: int, key: str, **values) -> Response:
        return render(request, "problem.html", status, message=text(key, lang_of(request), **values), status=status)

    def download(path: Path, name: str, media_type: str = "application/octet-stream") -> Response:
        return FileResponse(path, filename=name, media_type=media_type, headers=_HEADERS)

    # ------------------------------------------------------------------ access
    def agency_link(request: Request) -> Link:
        link = portal.link_for(request.path_params["token"])
        if link is None:
            raise HTTPException(404)
        return link

    def admin_session(request: Request) -> tuple[Admin, str] | None:
        token = request.cookies.get(SESSION_COOKIE)
        admin = portal.admin_for(token)
        return (admin, token) if admin else None

    def require_admin(request: Request) -> tuple[Admin, str]:
        found = admin_session(request)
        if found is None:
            raise HTTPException(403)
        return found

    async def form_with_csrf(request: Request, purpose: str):
        try:
            form = await request.form(max_files=1, max_fields=20)
        except MultiPartException:
            raise HTTPException(400) from None
        if not portal.check_signed(purpose, form.get("csrf")):
            raise HTTPException(403)
        return form

    # ------------------------------------------------------------------ public
    def healthz(request: Request) -> Response:
        return PlainTextResponse("ok" if state["ready"] else "starting", status_code=200 if state["ready"] else 503)

    def home(request: Request) -> Response:
        return login_page(request)

    def login_page(request: Request, status: int = 200, failed: bool = False) -> Response:
        pre = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(16)
        response = render(request, "login.html", status, csrf=portal.sign(f"login:{pre}"), failed=failed)
        response.set_cookie(LOGIN_COOKIE, pre, samesite="strict", httponly=True)
        return response

    async def login(request: Request) -> Response:
        pre = request.cookies.get(LOGIN_COOKIE, "")
        form = await form_with_csrf(request, f"login:{pre}")
        token = await run_in_threadpool(portal.login, str(form.get("name") or "admin"), str(form.get("password") or ""))
        if token is None:
            return login_page(request, 403, failed=True)
        response = RedirectResponse("/admin", status_code=303, headers=_HEADERS)
        response.set_cookie(SESSION_COOKIE, token, samesite="strict", httponly=True)
        return response

    async def logout(request: Request) -> Response:
        admin, token = await run_in_threadpool(require_admin, request)
        await form_with_csrf(request, f"session:{token}")
        await run_in_threadpool(portal.logout, token)
        response = RedirectResponse("/", status_code=303, headers=_HEADERS)
        response.delete_cookie(SESSION_COOKIE)
        return response

    # ------------------------------------------------------------------ agency pages
    def agency_page(request: Request) -> Response:
        link = agency_link(request)
        round_ = portal.round_of(link.round_id)
        uploads = portal.uploads(link.round_id, link.agency)
        token = request.path_params["token"]
        return render(request, "agency.html", link=link, round=round_, uploads=uploads, base=f"/a/{token}",
                      csrf=portal.sign(f"link:{link.id}"), max_mb=portal.max_upload // (1024 * 1024),
                      deadline=round_.deadline.strftime("%d/%m/%Y") if round_.deadline else "",
                      current=next((u for u in uploads if u.superseded_by is None), None))

    def agency_template(request: Request) -> Response:
        link = agency_link(request)
        entry = portal.round_of(link.round_id).templates.get(link.agency)
        if not entry:
            raise HTTPException(404)
        return download(portal.store.path(entry["sha256"]), entry["name"], _XLSX)

    async def agency_upload(request: Request) -> Response:
        link = await run_in_threadpool(agency_link, request)
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            return problem(request, 411, "portal.refused.length")
        if int(length) > portal.max_upload + _ENVELOPE:
            return problem(request, 413, "portal.refused.size", mb=portal.max_upload // (1024 * 1024))
        form = await form_with_csrf(request, f"link:{link.id}")
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return problem(request, 400, "portal.refused.nofile")
        try:
            received = await anyio.to_thread.run_sync(portal.receive, link, upload.file, upload.filename,
                                                      limiter=uploads_limiter)
        except PortalError as error:
            return render(request, "problem.html", 413, message=error.message(lang_of(request)), status=413)
        finally:
            await upload.close()
        return RedirectResponse(f"/a/{request.path_params['token']}/uploads/{received.id}", status_code=303, headers=_HEADERS)

    def own_upload(request: Request) -> tuple[Link, Upload]:
        link = agency_link(request)
        upload = portal.upload(request.path_params["upload_id"])
        if upload is None or upload.round_id != link.round_id or upload.agency != link.agency:
            raise HTTPException(404)
        return link, upload

    def agency_upload_page(request: Request) -> Response:
        link, upload = own_upload(request)
        token = request.path_params["token"]
        ahead = sum(1 for u in portal.uploads(upload.round_id) if u.status != "done" and u.id < upload.id) \
            if upload.status != "done" else 0
        return render(request, "upload.html", link=link, upload=upload, base=f"/a/{token}", ahead=ahead,
                      findings=_sorted(upload.findings), admin=False, state=portal.check_state(upload))

    def agency_upload_json(request: Request) -> Response:
        _, upload = own_upload(request)
        return JSONResponse(_upload_dict(upload, lang_of(request)) | {"status": portal.check_state(upload)}, headers=_HEADERS)

    def agency_feedback(request: Request) -> Response:
        _, upload = own_upload(request)
        if not upload.feedback_sha256:
            raise HTTPException(404)
        return download(portal.store.path(upload.feedback_sha256), upload.feedback_name, _XLSX)

    def agency_file(request: Request) -> Response:
        _, upload = own_upload(request)
        return download(portal.store.path(upload.sha256), upload.stored_name)

    # ------------------------------------------------------------------ the Sở's pages
    def admin_context(request: Request, token: str) -> dict:
        round_ = portal.current_round()
        return {"round": round_, "csrf": portal.sign(f"session:{token}"),
                "deadline": round_.deadline.strftime("%d/%m/%Y") if round_ and round_.deadline else ""}

    def admin_home(request: Request) -> Response:
        _, token = require_admin(request)
        context = admin_context(request, token)
        round_ = context["round"]
        rows = portal.register(round_) if round_ else []
        consolidations = portal.consolidations(round_.id)[:5] if round_ else []
        return render(request, "admin.html", rows=rows, consolidations=consolidations, refresh=True,
                      counts={"expected": len(rows), "received": sum(r.received for r in rows),
                              "late": sum(r.late for r in rows), "errors": sum(1 for r in rows if r.errors)},
                      **context)

    def admin_links(request: Request) -> Response:
        _, token = require_admin(request)
        context = admin_context(request, token)
        round_ = context["round"]
        links = portal.link_rows(round_.id) if round_ else []
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        base = base_url or str(request.base_url).rstrip("/")
        live = portal.links(base, round_.id) if round_ else {}
        return render(request, "links.html", links=links, live=live, now=now, **context)

    def admin_findings(request: Request) -> Response:
        _, token = require_admin(request)
        context = admin_context(request, token)
        round_ = context["round"]
        current = [u for u in portal.uploads(round_.id) if u.superseded_by is None] if round_ else []
        return render(request, "findings.html", uploads=current, sort=_sorted, **context)

    def admin_history(request: Request) -> Response:
        _, token = require_admin(request)
        context = admin_context(request, token)
        round_ = context["round"]
        return render(request, "history.html", uploads=portal.uploads(round_.id) if round_ else [], **context)

    def admin_upload_page(request: Request) -> Response:
        require_admin(request)
        upload = portal.upload(request.path_params["upload_id"])
        if upload is None:
            raise HTTPException(404)
        return render(request, "upload.html", link=None, upload=upload, base="/admin", ahead=0,
                      findings=_sorted(upload.findings), admin=True, state=portal.check_state(upload))

    def admin_file(request: Request) -> Response:
        require_admin(request)
        upload = portal.upload(request.path_params["upload_id"])
        if upload is None:
            raise HTTPException(404)
        if request.path_params["what"] == "feedback":
            if not upload.feedback_sha256:
                raise HTTPException(404)
            return download(portal.store.path(upload.feedback_sha256), upload.feedback_name, _XLSX)
        return download(portal.store.path(upload.sha256), upload.stored_name)

    async def admin_round(request: Request) -> Response:
        _, token = await run_in_threadpool(require_admin, request)
        form = await form_with_csrf(request, f"session:{token}")
        deadline = None
        if form.get("deadline"):
            try:
                deadline = dt.date.fromisoformat(str(form["deadline"]))
            except ValueError:
                return problem(request, 400, "portal.refused.date")
        try:
            await run_in_threadpool(portal.create_round, deadline)
        except PortalError as error:
            return render(request, "problem.html", 400, message=error.message(lang_of(request)), status=400)
        return RedirectResponse("/admin/links", status_code=303, headers=_HEADERS)

    async def admin_link_action(request: Request) -> Response:
        _, token = await run_in_threadpool(require_admin, request)
        await form_with_csrf(request, f"session:{token}")
        link_id = request.path_params["link_id"]
        if request.path_params["action"] == "revoke":
            await run_in_threadpool(portal.revoke, link_id)
        elif request.path_params["action"] == "reissue":
            await run_in_threadpool(portal.reissue, link_id)
        else:
            raise HTTPException(404)
        return RedirectResponse("/admin/links", status_code=303, headers=_HEADERS)

    async def admin_consolidate(request: Request) -> Response:
        _, token = await run_in_threadpool(require_admin, request)
        form = await form_with_csrf(request, f"session:{token}")
        round_ = await run_in_threadpool(portal.current_round)
        if round_ is None:
            raise HTTPException(404)
        consolidation = await run_in_threadpool(portal.consolidate_now, round_, form.get("pdf") != "no")
        return RedirectResponse(f"/admin/consolidations/{consolidation.id}", status_code=303, headers=_HEADERS)

    def admin_consolidation(request: Request) -> Response:
        _, token = require_admin(request)
        consolidation = portal.consolidation(request.path_params["cid"])
        if consolidation is None:
            raise HTTPException(404)
        return render(request, "consolidation.html", c=consolidation, refresh=consolidation.status == "queued",
                      **admin_context(request, token))

    def admin_consolidation_file(request: Request) -> Response:
        require_admin(request)
        consolidation = portal.consolidation(request.path_params["cid"])
        what = request.path_params["what"]
        if consolidation is None or consolidation.status != "done":
            raise HTTPException(404)
        name = consolidation.summary.get("xlsx_name", "tong-hop.xlsx")
        if what == "xlsx":
            return download(portal.store.path(consolidation.xlsx_sha256), name, _XLSX)
        if what == "pdf" and consolidation.pdf_sha256:
            return download(portal.store.path(consolidation.pdf_sha256), Path(name).with_suffix(".pdf").name, "application/pdf")
        raise HTTPException(404)

    def admin_export(request: Request) -> Response:
        require_admin(request)
        path = export_archive(portal)
        return FileResponse(path, filename=f"cchc-portal-{dt.date.today():%Y%m%d}.zip", media_type="application/zip",
                            headers=_HEADERS, background=BackgroundTask(path.unlink, missing_ok=True))

    # ------------------------------------------------------------------ errors
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 403 and request.url.path.startswith("/admin") and request.method == "GET":
            return login_page(request, 403)
        key = {403: "portal.refused.forbidden", 404: "portal.refused.notfound", 400: "portal.refused.bad",
               405: "portal.refused.bad"}.get(exc.status_code, "portal.refused.bad")
        return problem(request, exc.status_code, key)

    async def server_error(request: Request, exc: Exception) -> Response:
        return problem(request, 500, "portal.refused.server")

    @asynccontextmanager
    async def lifespan(app):
        await run_in_threadpool(portal.resume)
        state["ready"] = True
        yield
        state["ready"] = False
        await run_in_threadpool(portal.close)

    token_path = "/a/{token:str}"
    routes = [
        Route("/healthz", healthz),
        Route("/", home),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route(token_path, agency_page),
        Route(token_path + "/template", agency_template),
        Route(token_path + "/upload", agency_upload, methods=["POST"]),
        Route(token_path + "/uploads/{upload_id:int}", agency_upload_page),
        Route(token_path + "/uploads/{upload_id:int}.json", agency_upload_json),
        Route(token_path + "/uploads/{upload_id:int}/feedback", agency_feedback),
        Route(token_path + "/uploads/{upload_id:int}/file", agency_file),
        Route("/admin", admin_home),
        Route("/admin/links", admin_links),
        Route("/admin/links/{link_id:int}/{action:str}", admin_link_action, methods=["POST"]),
        Route("/admin/findings", admin_findings),
        Route("/admin/history", admin_history),
        Route("/admin/round", admin_round, methods=["POST"]),
        Route("/admin/uploads/{upload_id:int}", admin_upload_page),
        Route("/admin/uploads/{upload_id:int}/{what:str}", admin_file),
        Route("/admin/consolidate", admin_consolidate, methods=["POST"]),
        Route("/admin/consolidations/{cid:int}", admin_consolidation),
        Route("/admin/consolidations/{cid:int}/{what:str}", admin_consolidation_file),
        Route("/admin/export", admin_export),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, lifespan=lifespan,
                     exception_handlers={HTTPException: http_error, Exception: server_error})


_ORDER = {"error": 0, "warning": 1, "info": 2}


def _sorted(findings: list[dict]) -> list[dict]:
    return sorted(findings, key=lambda f: _ORDER.get(f.get("severity"), 3))


def _upload_dict(upload: Upload, lang: str = "vi") -> dict:
    """An upload as the JSON a script reads: its check's status and findings."""
    return {"id": upload.id, "agency": upload.agency, "file": upload.original_name, "sha256": upload.sha256,
            "size": upload.size, "status": upload.status, "on_time": upload.on_time,
            "superseded_by": upload.superseded_by, "matched_agency": upload.matched_agency,
            "severity_counts": {"error": upload.errors, "warning": upload.warnings, "info": upload.notes},
            "findings": [{k: v for k, v in f.items() if k != "message_en"} | {"message": f["message_en"] if lang == "en" else f["message"]}
                         for f in upload.findings]}


def export_archive(portal: Portal) -> Path:
    """The whole store in one zip, for safekeeping: ``database.json`` (every table, every row; secrets
    and hashes left out), on SQLite the database file itself (``portal.sqlite3``, a consistent copy
    made with SQLite's backup), ``files/<sha256>`` (every file ever received or made) and
    ``manifest.json``."""
    from sqlalchemy import select

    fd, name = tempfile.mkstemp(prefix="export-", suffix=".zip", dir=portal.work_dir)
    path = Path(name)
    with open(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        tables = {}
        with portal.Session() as db:
            for model in (Setting, Admin, AdminSession, Round, Link, Upload, Consolidation):
                rows = db.scalars(select(model)).all()
                columns = [c.name for c in model.__table__.columns if c.name not in ("password_hash", "token_hash")]
                tables[model.__tablename__] = [{c: getattr(row, c) for c in columns} for row in rows]
        archive.writestr("database.json", json.dumps(tables, ensure_ascii=False, indent=1, default=str))
        if portal.db_url.startswith("sqlite:///"):        # and the database itself, copied consistently
            copy = _sqlite_copy(portal)
            archive.write(copy, "portal.sqlite3")
            copy.unlink()
        files = portal.store.all()
        for sha in files:
            archive.write(portal.store.path(sha), f"files/{sha}")
        archive.writestr("manifest.json", json.dumps({"made": dt.datetime.now(dt.timezone.utc).isoformat(),
                                                      "files": len(files), "database": portal.db_url.split("://")[0]}))
    return path


def _sqlite_copy(portal: Portal) -> Path:
    """A consistent copy of the SQLite database (SQLite's online backup), beside the export."""
    import sqlite3

    source = portal.db_url.removeprefix("sqlite:///")
    target = portal.work_dir / "export-portal.sqlite3"
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    return target
