"""A corpus of returns as agencies really send them (issue 10).

Each case is a small return built from the project's own templates of the bundled 2018 plan with
one condition (a far cell, a formula error, TCVN3 text, an .xls named .xlsx, …). The cases live
in one module per family (``reading``, ``text``, ``merge``, ``saved_by``); each registers itself with
:func:`case`. ``scripts/build_return_corpus.py`` writes them all to a folder; the tests build
them in a temporary folder and assert, per case, the value or the finding that is right.
"""

from .base import CASES, Case, build, case, template_files  # noqa: F401
from . import reading, text, merge, saved_by  # noqa: F401,E402  (each registers its cases)
