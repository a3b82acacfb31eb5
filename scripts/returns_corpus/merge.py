"""Corpus cases: merge."""

from __future__ import annotations

from .base import case  # noqa: F401
