"""Progress through the year: templates agencies fill each period, their returns read and checked, the progress workbook.

The stages, in order: :mod:`.model` (the plan's activities in a period), :mod:`.template` (one
workbook per agency), :mod:`.read` (the returns), :mod:`.checks` (one rule per function),
:mod:`.job` (the whole run and its JSON); the workbook is written by
:mod:`cchc_xlsx.write.progress_book`. Importing this package is light: the stages load when used.
"""

from __future__ import annotations

__all__ = ["write_progress_templates", "run_progress", "Progress"]


def __getattr__(name: str):
    if name == "write_progress_templates":
        from .template import write_progress_templates
        return write_progress_templates
    if name in ("run_progress", "Progress"):
        from . import job
        return getattr(job, name)
    raise AttributeError(name)
