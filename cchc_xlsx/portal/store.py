"""The portal's file store: every file kept once under its SHA-256, never changed or deleted."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

__all__ = ["FileStore", "TooLarge"]

_SHA = re.compile(r"[0-9a-f]{64}")


class TooLarge(Exception):
    """The file is over the store's size limit (nothing was kept)."""


class FileStore:
    """Files under ``root/ab/cd/<sha256>``: the name is the content's hash, never the sender's name,
    so no file name from outside ever becomes a path. Writing goes through a temporary file,
    flushed to disk and renamed into place: a crash leaves either the whole file or none."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def clean_incoming(self) -> int:
        """Remove what a stopped server left half-kept (never registered, so nothing refers to it).
        Only when no server runs on this store: a running one may be keeping a file right now."""
        leftovers = list(self.root.glob(".incoming-*"))
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        return len(leftovers)

    def path(self, sha256: str) -> Path:
        """Where the file of ``sha256`` is (ValueError for anything but 64 hex digits)."""
        if not _SHA.fullmatch(sha256 or ""):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put_stream(self, stream: BinaryIO, limit: int | None = None) -> tuple[str, int]:
        """Keep the bytes of ``stream``; return (sha256, size). Raises TooLarge past ``limit`` bytes."""
        digest, size = hashlib.sha256(), 0
        fd, name = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(1 << 20):
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise TooLarge(size)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            target = self.path(sha)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(name, 0o444)
                os.replace(name, target)
            return sha, size
        finally:
            Path(name).unlink(missing_ok=True)

    def put_file(self, path: Path) -> str:
        """Keep a copy of the file at ``path`` (a file the portal made); return its SHA-256."""
        with open(path, "rb") as stream:
            return self.put_stream(stream)[0]

    def put_bytes(self, data: bytes) -> str:
        import io
        return self.put_stream(io.BytesIO(data))[0]

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def copy_to(self, sha256: str, target: Path) -> Path:
        """A copy of the file under ``target`` (for a check or a consolidation to read)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path(sha256), target)
        return target

    def all(self) -> list[str]:
        return sorted(p.name for p in self.root.glob("??/??/*") if _SHA.fullmatch(p.name))
