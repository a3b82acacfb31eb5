"""The portal's rules, without the web: rounds, personal links, uploads and the register.

The web pages (app.py) and the ``links`` command call these; each change is one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ..findings import Finding
from ..result import file_sha256
from ..templates import slug
from .db import Admin, AdminSession, Consolidation, Link, Round, Upload, make_engine, migrate, now, sessions, sqlite_url
from .store import FileStore, TooLarge
from .worker import Checker, check_upload, consolidate_round, round_templates

__all__ = ["Portal", "PortalError", "MAX_UPLOAD", "LINK_DAYS", "VIETNAM", "safe_name"]

#: The largest file an agency may upload (a filled template is ~100 KB; a big return a few MB).
MAX_UPLOAD = 20 * 1024 * 1024
#: How long a personal link works, unless the Sở revokes it before.
LINK_DAYS = 90
#: Failed logins before the administrator's account waits, and how long it waits.
MAX_FAILED_LOGINS, LOCK_MINUTES = 5, 15
SESSION_HOURS = 12
#: Deadlines are days in Việt Nam (UTC+7, no summer time).
VIETNAM = dt.timezone(dt.timedelta(hours=7))
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}$")


class PortalError(Exception):
    """What the portal cannot do, said in both languages (``vi``, ``en``)."""

    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi, self.en = vi, en

    def message(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def safe_name(original: str) -> str:
    """The name a check and the feedback see for an uploaded file: ASCII letters, digits and dashes
    from the sender's name, its extension kept (the engine judges the type by content anyway)."""
    base = (original or "").replace("\\", "/").rsplit("/", 1)[-1]
    match = _SUFFIX.search(base)
    suffix = match.group(0).lower() if match else ""
    stem = slug(base[: len(base) - len(suffix)])[:60].strip("-.") or "tep"
    return f"{stem}{suffix}"


@dataclass
class AgencyRow:
    """A row of the register (one agency of the round)."""
    agency: str
    received: bool
    late: bool
    uploads: int
    superseded: int
    status: str
    errors: int
    warnings: int
    current_id: int | None
    uploaded_at: dt.datetime | None


class Portal:
    """One installation: its database, its files (``data_dir/files``), its secret and its plan.

    ``db_url``: any SQLAlchemy URL (default: SQLite in ``data_dir``); ``agencies``: a CSV of agencies
    beyond the built-in registry (as ``--agencies`` of every command)."""

    def __init__(self, data_dir: Path, plan_path: Path | None = None, db_url: str | None = None,
                 workers: int | None = None, max_upload: int = MAX_UPLOAD, start_worker: bool = True,
                 agencies: Path | None = None):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_url = db_url or sqlite_url(self.data_dir)
        self.engine = make_engine(self.db_url)
        migrate(self.engine)
        self.Session = sessions(self.engine)
        self.store = FileStore(self.data_dir / "files")
        self.work_dir = self.data_dir / "work"
        self.work_dir.mkdir(exist_ok=True)
        self.secret = self._secret()
        self.plan_path = Path(plan_path) if plan_path else None
        self.max_upload = max_upload
        self.agencies = str(Path(agencies).resolve()) if agencies else None
        self.hasher = PasswordHasher()
        self.checker = Checker(workers) if start_worker else None
        self._checks: dict[int, object] = {}    # upload id -> its check's Future, while it is not done

    # ------------------------------------------------------------------ installation
    def _secret(self) -> bytes:
        """The key links and form tokens are derived from: ``data_dir/secret.key``, made once, 0600."""
        path = self.data_dir / "secret.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
        return bytes.fromhex(path.read_text().strip())

    def ensure_admin(self, password: str | None = None) -> str | None:
        """Create the administrator on the first start: with ``password`` (CCHC_ADMIN_PASSWORD), else
        a generated one, returned so that it is printed once. None when it exists already."""
        with self.Session.begin() as db:
            if db.scalar(select(Admin).limit(1)) is not None:
                return None
            password = password or secrets.token_urlsafe(12)
            db.add(Admin(name="admin", password_hash=self.hasher.hash(password), failed_logins=0))
            return password

    def sign(self, purpose: str) -> str:
        """A form token (CSRF) bound to ``purpose`` (a session or a link), for this installation."""
        return hmac.new(self.secret, f"csrf:{purpose}".encode(), hashlib.sha256).hexdigest()

    def check_signed(self, purpose: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.sign(purpose), token)

    # ------------------------------------------------------------------ administrator
    def login(self, name: str, password: str) -> str | None:
        """A new session token for a right password; None otherwise. After MAX_FAILED_LOGINS
        failures the account refuses every password for LOCK_MINUTES."""
        with self.Session.begin() as db:
            admin = db.scalar(select(Admin).where(Admin.name == name))
            if admin is None:
                self.hasher.hash(password)            # the same time as a wrong password
                return None
            if admin.locked_until and admin.locked_until > now():
                return None
            try:
                self.hasher.verify(admin.password_hash, password)
            except (VerificationError, InvalidHashError):
                admin.failed_logins += 1
                if admin.failed_logins >= MAX_FAILED_LOGINS:
                    admin.locked_until = now() + dt.timedelta(minutes=LOCK_MINUTES)
                    admin.failed_logins = 0
                return None
            admin.failed_logins, admin.locked_until = 0, None
            token = secrets.token_urlsafe(32)
            db.add(AdminSession(token_hash=_sha(token), admin_id=admin.id,
                                expires_at=now() + dt.timedelta(hours=SESSION_HOURS)))
            return token

    def admin_for(self, token: str | None) -> Admin | None:
        if not token:
            return None
        with self.Session() as db:
            session = db.get(AdminSession, _sha(token))
            if session is None or session.expires_at < now():
                return None
            return db.get(Admin, session.admin_id)

    def logout(self, token: str) -> None:
        with self.Session.begin() as db:
            session = db.get(AdminSession, _sha(token))
            if session is not None:
                db.delete(session)

    # ------------------------------------------------------------------ rounds and links
    def current_round(self) -> Round | None:
        with self.Session() as db:
            return db.scalar(select(Round).order_by(Round.id.desc()).limit(1))

    def create_round(self, deadline: dt.date | None = None, link_days: int = LINK_DAYS,
                     plan_path: Path | None = None, *, in_process: bool = False) -> Round:
        """A new round for the plan: a template per agency (kept in the store) and a link each.

        The templates are written in the worker pool (writing them forks, which a server's threads
        must not do), or here with ``in_process`` (before the server starts). Raises PortalError
        when the plan cannot be read."""
        plan_path = Path(plan_path or self.plan_path)
        args = (str(plan_path), str(self.store.root), str(self.work_dir),
                deadline.strftime("%d/%m/%Y") if deadline else "", self.agencies)
        made = round_templates(*args) if in_process or self.checker is None else self.checker.run(round_templates, *args)
        if "problem" in made:
            raise PortalError(*made["problem"])
        templates = made["templates"]
        with self.Session.begin() as db:
            round_ = Round(plan_path=str(plan_path.resolve()), plan_sha256=file_sha256(plan_path), plan_name=plan_path.name,
                           year=made["year"], deadline=dt.datetime.combine(deadline, dt.time()) if deadline else None,
                           created_at=now(), templates=templates)
            db.add(round_)
            db.flush()
            for agency in templates:
                db.add(self._new_link(db, round_.id, agency, link_days))
        return round_

    def _new_link(self, db, round_id: int, agency: str, days: int) -> Link:
        link = Link(round_id=round_id, agency=agency, nonce=secrets.token_hex(16), token_hash="-",
                    created_at=now(), expires_at=now() + dt.timedelta(days=days))
        db.add(link)
        db.flush()
        link.token_hash = _sha(self.link_token(link))
        return link

    def link_token(self, link: Link) -> str:
        """The token of a link: 256 bits derived from the installation's secret, the link's number and
        a random nonce of its own. The database keeps only its SHA-256, so a copy of the database
        alone opens nothing; the ``links`` command, which has the data folder, can print it again."""
        digest = hmac.new(self.secret, f"link:{link.id}:{link.nonce}".encode(), hashlib.sha256).digest()
        import base64
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def links(self, base_url: str, round_id: int | None = None) -> dict[str, str]:
        """``{agency: url}`` for the live links of the round (default: the current one)."""
        round_ = self.current_round() if round_id is None else None
        rid = round_id if round_id is not None else (round_.id if round_ else None)
        if rid is None:
            return {}
        with self.Session() as db:
            rows = db.scalars(select(Link).where(Link.round_id == rid, Link.revoked_at.is_(None),
                                                 Link.expires_at > now()).order_by(Link.id)).all()
            return {link.agency: f"{base_url.rstrip('/')}/a/{self.link_token(link)}" for link in rows}

    def link_rows(self, round_id: int) -> list[Link]:
        with self.Session() as db:
            return list(db.scalars(select(Link).where(Link.round_id == round_id).order_by(Link.id)).all())

    def link_for(self, token: str) -> Link | None:
        """The live link of ``token``; None for a token unknown, revoked or expired."""
        if not token or len(token) > 100:
            return None
        with self.Session() as db:
            link = db.scalar(select(Link).where(Link.token_hash == _sha(token)))
            if link is None or link.revoked_at is not None or link.expires_at <= now():
                return None
            return link

    def revoke(self, link_id: int) -> None:
        with self.Session.begin() as db:
            link = db.get(Link, link_id)
            if link is not None and link.revoked_at is None:
                link.revoked_at = now()

    def reissue(self, link_id: int, days: int = LINK_DAYS) -> Link | None:
        """Revoke the link and give its agency a new one."""
        with self.Session.begin() as db:
            link = db.get(Link, link_id)
            if link is None:
                return None
            if link.revoked_at is None:
                link.revoked_at = now()
            return self._new_link(db, link.round_id, link.agency, days)

    def round_of(self, round_id: int) -> Round | None:
        with self.Session() as db:
            return db.get(Round, round_id)

    # ------------------------------------------------------------------ uploads
    def receive(self, link: Link, stream: BinaryIO, original_name: str, by: str | None = None) -> Upload:
        """Keep an agency's file and register it (superseding its earlier one) in one transaction,
        then queue its check. Raises PortalError for a file over the limit or empty."""
        try:
            sha, size = self.store.put_stream(stream, self.max_upload)
        except TooLarge:
            mb = self.max_upload // (1024 * 1024)
            raise PortalError(f"Tệp quá lớn (trên {mb} MB): hãy gửi đúng biểu mẫu đã điền.",
                              f"The file is too large (over {mb} MB): send the filled template.") from None
        if size == 0:
            raise PortalError("Tệp rỗng (0 byte): hãy chọn lại tệp.", "The file is empty (0 bytes): choose the file again.")
        with self.Session.begin() as db:
            round_ = db.get(Round, link.round_id)
            uploaded_at = now()
            upload = Upload(round_id=link.round_id, agency=link.agency, link_id=link.id, uploaded_by=by or f"link:{link.id}",
                            sha256=sha, original_name=(original_name or "")[:255], stored_name=safe_name(original_name),
                            size=size, uploaded_at=uploaded_at, on_time=self.on_time(round_, uploaded_at),
                            status="queued", errors=0, warnings=0, notes=0, matched_agency="", findings=[],
                            feedback_sha256="", feedback_name="")
            db.add(upload)
            db.flush()
            for earlier in db.scalars(select(Upload).where(Upload.round_id == link.round_id, Upload.agency == link.agency,
                                                           Upload.id != upload.id, Upload.superseded_by.is_(None))):
                earlier.superseded_by = upload.id
        self.queue_check(upload)
        return upload

    @staticmethod
    def on_time(round_: Round | None, at: dt.datetime) -> bool:
        """Whether a file received at ``at`` (UTC) is on time: on or before the deadline's day in Việt Nam."""
        if round_ is None or round_.deadline is None:
            return True
        local = at.replace(tzinfo=dt.timezone.utc).astimezone(VIETNAM).date()
        return local <= round_.deadline.date()

    def queue_check(self, upload: Upload) -> None:
        if self.checker is None:
            return
        round_ = self.round_of(upload.round_id)
        self._checks[upload.id] = self.checker.submit(check_upload, str(self.store.path(upload.sha256)), upload.stored_name,
                            f"{upload.id}-{slug(upload.agency)}"[:80], round_.plan_path, str(self.store.root),
                            str(self.work_dir), self.agencies,
                            done=lambda result, error: self._checked(upload.id, result, error))

    def check_state(self, upload: Upload) -> str:
        """``done``; ``checking`` while a worker has it; ``queued`` while it waits for one."""
        if upload.status == "done":
            return "done"
        future = self._checks.get(upload.id)
        return "checking" if future is not None and (future.running() or future.done()) else "queued"

    def resume(self) -> int:
        """Queue again the checks a stopped server left unfinished; return how many."""
        with self.Session() as db:
            pending = db.scalars(select(Upload).where(Upload.status != "done")).all()
        for upload in pending:
            self.queue_check(upload)
        with self.Session.begin() as db:
            for consolidation in db.scalars(select(Consolidation).where(Consolidation.status == "queued")):
                consolidation.status = "failed"
                consolidation.summary = {"problem": "interrupted"}
        return len(pending)

    def _checked(self, upload_id: int, result: dict | None, error: BaseException | None) -> None:
        if result is None:
            reason = type(error).__name__ if error else "?"
            finding = Finding("file-unreadable", params={"reason": (
                f"chương trình kiểm tra bị dừng khi đọc tệp này ({reason})",
                f"the checking process stopped on this file ({reason})")})
            result = {"findings": [{**finding.to_dict("vi"), "message_en": finding.message("en")}], "agency": "",
                      "status": "unreadable", "feedback_sha256": "", "feedback_name": ""}
        with self.Session.begin() as db:
            upload = db.get(Upload, upload_id)
            findings = list(result["findings"])
            if result["agency"] and result["agency"] != upload.agency:
                wrong = Finding("upload-other-agency", file=upload.stored_name, expected=upload.agency, found=result["agency"])
                findings.insert(0, {**wrong.to_dict("vi"), "message_en": wrong.message("en")})
            upload.findings = findings
            upload.errors = sum(1 for f in findings if f["severity"] == "error")
            upload.warnings = sum(1 for f in findings if f["severity"] == "warning")
            upload.notes = sum(1 for f in findings if f["severity"] == "info")
            upload.matched_agency = result["agency"]
            upload.feedback_sha256, upload.feedback_name = result["feedback_sha256"], result["feedback_name"]
            upload.status, upload.checked_at = "done", now()
        self._checks.pop(upload_id, None)

    def uploads(self, round_id: int, agency: str | None = None) -> list[Upload]:
        """The uploads of the round (of one agency), newest first."""
        with self.Session() as db:
            query = select(Upload).where(Upload.round_id == round_id)
            if agency is not None:
                query = query.where(Upload.agency == agency)
            return list(db.scalars(query.order_by(Upload.id.desc())).all())

    def upload(self, upload_id: int) -> Upload | None:
        with self.Session() as db:
            return db.get(Upload, upload_id)

    # ------------------------------------------------------------------ register
    def register(self, round_: Round) -> list[AgencyRow]:
        """Every agency of the round: received or missing, late, how many files, the current file's
        check (queued, checking, done) and its errors and warnings."""
        uploads = self.uploads(round_.id)
        rows = []
        for agency in round_.templates:
            mine = [u for u in uploads if u.agency == agency]
            current = next((u for u in mine if u.superseded_by is None), None)
            rows.append(AgencyRow(agency, current is not None, bool(current and not current.on_time), len(mine),
                                  sum(1 for u in mine if u.superseded_by is not None),
                                  current.status if current else "missing", current.errors if current else 0,
                                  current.warnings if current else 0, current.id if current else None,
                                  current.uploaded_at if current else None))
        return rows


    # ------------------------------------------------------------------ consolidation
    def consolidate_now(self, round_: Round, pdf: bool = True) -> Consolidation:
        """Queue a consolidation of the current (not superseded) file of every agency."""
        current = [u for u in self.uploads(round_.id) if u.superseded_by is None]
        with self.Session.begin() as db:
            consolidation = Consolidation(round_id=round_.id, created_at=now(), status="queued",
                                          upload_ids=[u.id for u in current], xlsx_sha256="", pdf_sha256="", summary={})
            db.add(consolidation)
            db.flush()
        items = [(str(self.store.path(u.sha256)), f"{u.id}-{slug(u.agency)}"[:80], u.stored_name) for u in current]
        if self.checker is not None:
            self.checker.submit(consolidate_round, items, round_.plan_path, str(self.store.root), str(self.work_dir), pdf,
                                self.agencies,
                                done=lambda result, error: self._consolidated(consolidation.id, result, error))
        return consolidation

    def _consolidated(self, consolidation_id: int, result: dict | None, error: BaseException | None) -> None:
        with self.Session.begin() as db:
            consolidation = db.get(Consolidation, consolidation_id)
            if result is None or "problem" in result:
                consolidation.status = "failed"
                consolidation.summary = result or {"problem": " ".join(str(error).split())[:300]}
            else:
                consolidation.status = "done"
                consolidation.xlsx_sha256, consolidation.pdf_sha256 = result["xlsx_sha256"], result["pdf_sha256"]
                consolidation.summary = result

    def consolidations(self, round_id: int) -> list[Consolidation]:
        with self.Session() as db:
            return list(db.scalars(select(Consolidation).where(Consolidation.round_id == round_id)
                                   .order_by(Consolidation.id.desc())).all())

    def consolidation(self, consolidation_id: int) -> Consolidation | None:
        with self.Session() as db:
            return db.get(Consolidation, consolidation_id)

    def close(self) -> None:
        if self.checker is not None:
            self.checker.shutdown()
        self.engine.dispose()

