"""cchc-xlsx: plan, collect, check and print a Vietnamese province's CCHC budget in Excel."""

__version__ = "0.1.0"

from .agencies import Registry, default_registry  # noqa: E402
from .findings import CODES, Finding, findings_frame  # noqa: E402
from .normalise import Plan, cell_of  # noqa: E402
from .pipeline import bundled_plan_path, read_plan  # noqa: E402
from .report import plan_summary  # noqa: E402
from .workbook import FileProblem  # noqa: E402

__all__ = ["__version__", "read_plan", "bundled_plan_path", "plan_summary", "Plan", "cell_of", "Finding",
           "CODES", "findings_frame", "Registry", "default_registry", "FileProblem"]
