"""The portal's store of record: tables (SQLAlchemy 2) and the schema brought up to date with Alembic.

SQLite in the data folder by default, PostgreSQL (or any SQLAlchemy URL) when given. Every change
to the register is one transaction (see :mod:`cchc_xlsx.portal.service`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, create_engine, event)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

__all__ = ["Base", "Admin", "AdminSession", "Round", "Link", "Upload", "Consolidation", "Setting",
           "make_engine", "migrate", "sqlite_url", "now"]


def now() -> dt.datetime:
    """The time stamps of the register: UTC, without tzinfo (the same on SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


class Base(DeclarativeBase):
    pass


class Setting(Base):
    """Small values of the installation (``schema_note``…); secrets live in the data folder, not here."""
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Admin(Base):
    """The Sở's administrator: argon2 hash of the password, failed logins counted and locked."""
    __tablename__ = "admin"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class AdminSession(Base):
    __tablename__ = "admin_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("admin.id"))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Round(Base):
    """One collection of returns for a plan: its deadline and the templates sent out."""
    __tablename__ = "round"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_path: Mapped[str] = mapped_column(Text)
    plan_sha256: Mapped[str] = mapped_column(String(64))
    plan_name: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[dt.date | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    templates: Mapped[dict] = mapped_column(JSON, default=dict)      # agency -> {"sha256", "name"}


class Link(Base):
    """An agency's personal link: only the SHA-256 of its token is kept (the token is derived
    from the data folder's secret, see service.link_token)."""
    __tablename__ = "link"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    agency: Mapped[str] = mapped_column(Text)
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Upload(Base):
    """One file received: never changed or deleted, a later one of the agency supersedes it."""
    __tablename__ = "upload"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    agency: Mapped[str] = mapped_column(Text)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("link.id"), nullable=True)
    uploaded_by: Mapped[str] = mapped_column(Text)               # "link:<id>" or "admin:<name>"
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(Text)
    stored_name: Mapped[str] = mapped_column(Text)               # the safe name the check sees
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    on_time: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")   # queued, checking, done
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[int] = mapped_column(Integer, default=0)
    matched_agency: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[list] = mapped_column(JSON, default=list)
    feedback_sha256: Mapped[str] = mapped_column(String(64), default="")
    feedback_name: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    superseded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Consolidation(Base):
    """A "consolidate now": which uploads went in, and the workbook and PDF it gave."""
    __tablename__ = "consolidation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    status: Mapped[str] = mapped_column(String(16), default="queued")   # queued, done, failed
    upload_ids: Mapped[list] = mapped_column(JSON, default=list)
    xlsx_sha256: Mapped[str] = mapped_column(String(64), default="")
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[dict] = mapped_column(JSON, default=dict)        # totals, counts, message


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir).resolve() / 'portal.sqlite3'}"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL and a busy timeout so pages read while a check writes."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (migrations/ in this package)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def sessions(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
