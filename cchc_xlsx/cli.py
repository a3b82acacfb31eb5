"""The command line: a thin layer that parses arguments, calls the library and renders the result."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .agencies import Registry
from .findings import ToolError
from .workbook import FileProblem

__all__ = ["main"]

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cchc-xlsx",
        description="Plan, collect, check and print a province's administrative-reform (CCHC) budget. "
                    "Exit codes: 0 no errors, 1 errors found, 2 unusable input or command.")
    parser.add_argument("--version", action="version", version=f"cchc-xlsx {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="language of messages (default: vi, Vietnamese)")
    common.add_argument("--agencies", metavar="CSV", type=Path,
                        help="extra agencies for the registry (columns id,name,kind,aliases,typos)")

    read = sub.add_parser("read", parents=[common], help="read a decision's Phụ lục 1 and 2 and summarise them",
                          description="Read a plan laid out like the decision (Phụ lục 1 and 2) and print a "
                                      "summary: counts per level, budget per task and per funded agency, the "
                                      "allocation, and every finding.")
    read.add_argument("file", type=Path, help="the plan workbook (.xlsx, .xlsm, .xls, .ods)")
    read.add_argument("--json", action="store_true", help="print the summary as JSON")
    read.add_argument("--year", type=int, help="the plan year, when the titles do not say it")
    read.set_defaults(handler=_cmd_read)

    templates = sub.add_parser(
        "templates", parents=[common], help="write one template workbook per agency, to send out",
        description="Write, for each agency that answers for rows of the plan, a protected template "
                    "pre-filled with its rows of Phụ lục 1 and 2 (dropdowns, live subtotals, spare rows for "
                    "new activities, instructions in Vietnamese), plus the Sở Nội vụ's workbook with every row.")
    templates.add_argument("plan", type=Path, nargs="?", help="the plan (default: the bundled 2018 Đắk Lắk plan)")
    templates.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="folder to write into")
    templates.add_argument("--password", help="protect the sheets with this password (default: no password)")
    templates.add_argument("--deadline", default="", help="the date returns are due, shown in the instructions")
    templates.add_argument("--contact", help="whom agencies contact, shown in the instructions")
    templates.add_argument("--year", type=int, help="the plan year, when the titles do not say it")
    templates.set_defaults(handler=_cmd_templates)
    return parser


def _registry(args) -> Registry | None:
    return Registry.load(args.agencies) if getattr(args, "agencies", None) else None


def _cmd_read(args) -> int:
    from .pipeline import read_plan
    from .report import plan_summary, render_summary

    plan = read_plan(args.file, year=args.year, registry=_registry(args))
    summary = plan_summary(plan, args.lang)
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_summary(summary, args.lang))
    return EXIT_ERRORS if summary["severity_counts"]["error"] else EXIT_OK


def _cmd_templates(args) -> int:
    from .pipeline import bundled_plan_path, read_plan
    from .templates import TemplateOptions, write_templates

    plan = read_plan(args.plan or bundled_plan_path(), year=args.year, registry=_registry(args))
    options = TemplateOptions(password=args.password, deadline=args.deadline)
    if args.contact:
        options.contact = args.contact
    paths = write_templates(plan, args.output, options)
    heading = "Đã tạo {n} biểu mẫu trong {dir}:" if args.lang == "vi" else "Wrote {n} templates in {dir}:"
    print(heading.format(n=len(paths), dir=args.output))
    for path in paths:
        print(f"  {path.name}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_UNUSABLE
    lang = getattr(args, "lang", "vi")
    try:
        return args.handler(args)
    except BrokenPipeError:  # the reader of a pipe (| head) went away: not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except FileProblem as problem:
        label = "Lỗi" if lang == "vi" else "Error"
        print(f"{label}: {problem.path}: {problem.message(lang)}", file=sys.stderr)
        return EXIT_UNUSABLE
    except (ToolError, OSError, ValueError) as error:
        label = "Lỗi" if lang == "vi" else "Error"
        print(f"{label}: {' '.join(str(error).split())}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
