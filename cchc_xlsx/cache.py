"""The plan as read, kept between runs: a consolidation is re-run after every correction, and the
plan, unlike the returns, does not change.

The key is the plan file's content (sha256), the agency registry, the reader and the source code
of the reading stages: a changed plan, registry or program is read again, never served stale. The
cache is derived data only (the file is never touched): a cache file that cannot be read is
ignored, one that cannot be written is skipped.

Where: ``$CCHC_XLSX_CACHE``, else ``$XDG_CACHE_HOME/cchc-xlsx``, else ``~/.cache/cchc-xlsx``.
``CCHC_XLSX_CACHE=off`` turns it off. Entries are pickles written by this program for this user;
delete the folder at any time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .agencies import Registry
from .normalise import TABLE_COLUMNS, Plan
from .result import file_sha256

__all__ = ["cache_folder", "cached_plan"]

#: The modules whose code decides what a plan file reads as.
_READING_MODULES = ("workbook", "scan", "htmltable", "tables", "notation", "encodings", "agencies", "normalise",
                    "forms", "pipeline", "findings", "glossary", "cache", "hierarchy", "returns")
#: Plans smaller than this are read faster than a cache entry is checked and loaded.
MIN_BYTES = 1 << 20


def cache_folder() -> Path | None:
    """The folder of cached plans, or None when caching is off."""
    setting = os.environ.get("CCHC_XLSX_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cchc-xlsx"


def cached_plan(path: Path, registry: Registry, reader: str, read: Callable[[], Plan]) -> Plan:
    """The plan ``read()`` gives for ``path``, from the cache when this very file was read before."""
    folder = cache_folder()
    if folder is None or path.stat().st_size < MIN_BYTES:
        return read()
    entry = folder / "plans" / f"{_key(path, registry, reader)}.pickle"
    plan = _load(entry)
    if plan is None:
        plan = read()
        _store(entry, plan)
    plan.registry = registry
    return plan


def _key(path: Path, registry: Registry, reader: str) -> str:
    digest = hashlib.sha256()
    for part in (file_sha256(path), repr(registry.agencies), reader, _code_version()):
        digest.update(part.encode())
        digest.update(b"\x1e")
    return digest.hexdigest()[:32]


@lru_cache(maxsize=1)
def _code_version() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _READING_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()


def _load(entry: Path) -> Plan | None:
    try:
        with open(entry, "rb") as f:
            plan = pickle.load(f)
    except Exception:          # missing, truncated, written by another version: read the plan again
        return None
    if not isinstance(plan, Plan):
        return None
    # the merge updates the plan's rows in place: make them dicts once, as a fresh read gives them
    plan._records = {table: plan.rows(table) for table in TABLE_COLUMNS}
    plan._columns = {}
    return plan


def _store(entry: Path, plan: Plan) -> None:
    registry, plan.registry = plan.registry, None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".plan-", suffix=".tmp", dir=entry.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(plan, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(name, entry)
        finally:
            if os.path.exists(name):
                os.unlink(name)
    except OSError:            # a read-only or full disk: no cache, the same result
        pass
    finally:
        plan.registry = registry
