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


def _parser(lang: str = "vi") -> argparse.ArgumentParser:
    """The whole command line, its help in ``lang`` (see messages.language).

    A new command adds one ``_add_<command>(sub, common, lang)`` call at the end."""
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

    consolidate = sub.add_parser(
        "consolidate", parents=[common], help="consolidate the returned workbooks into one checked workbook",
        description="Read every returned workbook (files or folders) against the plan, merge them into one plan, "
                    "run every check and write the consolidated workbook. With no arguments at all: the bundled "
                    "2018 Đắk Lắk plan and its sample returns. With --plan and no returns: the plan checked alone.")
    consolidate.add_argument("returns", type=Path, nargs="*", help="returned workbooks, or folders of them")
    consolidate.add_argument("--plan", type=Path, help="the plan (default: the bundled 2018 Đắk Lắk plan)")
    consolidate.add_argument("-o", "--output", type=Path, help="the workbook to write (default: cchc-YEAR-tong-hop.xlsx here)")
    consolidate.add_argument("--json", action="store_true", help="print the result as JSON")
    consolidate.add_argument("--pdf", action="store_true", help="also print the workbook to PDF (LibreOffice)")
    consolidate.add_argument("--deadline", type=_date, metavar="DD/MM/YYYY",
                             help="returns saved after this day are reported late")
    consolidate.set_defaults(handler=_cmd_consolidate)

    check = sub.add_parser(
        "check", parents=[common], help="check returned workbooks before consolidation",
        description="Run the consolidation's checks on some returns only and list what is wrong, file, sheet and "
                    "cell. With --feedback, write for each file a copy with the cells highlighted and commented, "
                    "to send back to the agency (the files themselves are never changed).")
    check.add_argument("files", type=Path, nargs="+", help="returned workbooks, or folders of them")
    check.add_argument("--plan", type=Path, help="the plan (default: the bundled 2018 Đắk Lắk plan)")
    check.add_argument("--json", action="store_true", help="print the findings as JSON")
    check.add_argument("--feedback", type=Path, metavar="DIR", help="write the feedback workbooks into DIR")
    check.set_defaults(handler=_cmd_check)

    print_ = sub.add_parser("print", parents=[common], help="print a consolidated workbook to PDF (LibreOffice)",
                            description="Print a workbook to PDF with LibreOffice headless (Debian package "
                                        "libreoffice-calc-nogui).")
    print_.add_argument("workbook", type=Path, help="the consolidated workbook")
    print_.add_argument("-o", "--output", type=Path, help="the PDF (default: beside the workbook)")
    print_.set_defaults(handler=_cmd_print)
    _add_serve(sub, common, lang)
    _add_links(sub, common, lang)
    return parser


def _add_serve(sub, common, lang: str) -> None:
    from .messages import text
    from .portal import texts  # noqa: F401  (the portal's messages)

    serve = sub.add_parser("serve", parents=[common], help=text("portal.cli.serve", lang),
                           description=text("portal.cli.serve_description", lang))
    serve.add_argument("plan", type=Path, nargs="?", help=text("portal.cli.plan", lang))
    serve.add_argument("--data", type=Path, default=Path("cchc-portal"), metavar="DIR", help=text("portal.cli.data", lang))
    serve.add_argument("--db", metavar="URL", help=text("portal.cli.db", lang))
    serve.add_argument("--host", default="127.0.0.1", help=text("portal.cli.host", lang))
    serve.add_argument("--port", type=int, default=8000, help=text("portal.cli.port", lang))
    serve.add_argument("--deadline", type=_date, metavar="DD/MM/YYYY", help=text("portal.cli.deadline", lang))
    serve.add_argument("--workers", type=int, help=text("portal.cli.workers", lang))
    serve.add_argument("--max-upload", type=int, default=20, metavar="MB", help=text("portal.cli.max_upload", lang))
    serve.set_defaults(handler=_cmd_serve)


def _add_links(sub, common, lang: str) -> None:
    from .messages import text
    from .portal import texts  # noqa: F401

    links = sub.add_parser("links", parents=[common], help=text("portal.cli.links", lang),
                           description=text("portal.cli.links_description", lang))
    links.add_argument("--data", type=Path, default=Path("cchc-portal"), metavar="DIR", help=text("portal.cli.data", lang))
    links.add_argument("--db", metavar="URL", help=text("portal.cli.db", lang))
    links.add_argument("--base-url", default="http://127.0.0.1:8000", metavar="URL", help=text("portal.cli.base_url", lang))
    links.add_argument("--json", action="store_true", help=text("portal.cli.json", lang))
    links.set_defaults(handler=_cmd_links)


def _date(text: str):
    import datetime as dt

    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"not a date: {text!r} (write 15/01/2018)")


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


def _cmd_consolidate(args) -> int:
    from .consolidate import consolidate
    from .pipeline import bundled_plan_path
    from .report import consolidation_summary, render_consolidation
    from .write import write_workbook

    returns = list(args.returns)
    if not returns and args.plan is None:          # the main job on the bundled data
        returns = [bundled_plan_path().parent / "returns"]
    for path in returns:
        if not path.exists():
            raise ToolError(f"{path}: không có tệp hay thư mục này" if args.lang == "vi" else f"{path}: no such file or folder")
    result = consolidate(returns, args.plan, registry=_registry(args), progress=not args.json,
                         deadline=args.deadline)
    output = args.output or Path(f"cchc-{result.plan.year}-tong-hop.xlsx")
    inputs = [args.plan or bundled_plan_path(), *[Path(p) for p in result.sources["path"]]]
    written = write_workbook(result, output, inputs=inputs, lang=args.lang)
    pdf = None
    if args.pdf:
        from .printing import print_pdf
        pdf = print_pdf(written)
    summary = consolidation_summary(result, args.lang)
    if args.json:
        summary["output"] = str(written)
        summary["pdf"] = str(pdf) if pdf else None
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(render_consolidation(summary, args.lang))
        print(("Đã ghi: {}" if args.lang == "vi" else "Written: {}").format(written))
        if pdf:
            print(("Đã in PDF: {}" if args.lang == "vi" else "PDF: {}").format(pdf))
    return EXIT_ERRORS if summary["severity_counts"]["error"] else EXIT_OK


def _cmd_check(args) -> int:
    from .consolidate import check_files
    from .findings import count_by_severity

    result = check_files(list(args.files), args.plan, registry=_registry(args), progress=not args.json)
    findings = result.findings
    if args.feedback:
        from .feedback import write_feedback
        for ret in result.extra["returns_read"]:
            # a file that is not there to copy (a pipe, a broken link, gone) has its finding already
            if ret.status in ("unreadable", "skipped") and not _regular_file(ret.path):
                continue
            try:
                write_feedback(ret.path, findings, args.feedback, lang=args.lang)
            except FileNotFoundError:      # removed since it was read: its findings still print
                continue
    counts = count_by_severity(findings)
    if args.json:
        json.dump({"severity_counts": counts, "findings": [f.to_dict(args.lang) for f in findings]},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        words = {"vi": ("lỗi", "cảnh báo", "ghi chú"), "en": ("error", "warning", "note")}[args.lang]
        by_file: dict[str, list] = {}
        for f in findings:
            by_file.setdefault(f.file, []).append(f)
        for ret in result.extra["returns_read"]:
            mine = by_file.get(ret.name, [])
            agency = f" ({ret.agency})" if ret.agency else ""
            print(f"{ret.name}{agency}: " + ", ".join(
                f"{sum(1 for f in mine if f.severity == s)} {w}" for s, w in zip(("error", "warning", "info"), words)))
            for f in sorted(mine, key=lambda f: ("error", "warning", "info").index(f.severity)):
                where = f"{f.sheet}!{f.cell}" if f.cell else (f.sheet or "")
                print(f"  [{words[('error', 'warning', 'info').index(f.severity)]}] {where} {f.code}: {f.message(args.lang)}")
        for name, mine in by_file.items():
            if name not in {r.name for r in result.extra["returns_read"]}:
                for f in mine:
                    print(f"{name}: {f.code}: {f.message(args.lang)}")
        if args.feedback:
            print(("Góp ý đã ghi vào {}" if args.lang == "vi" else "Feedback written to {}").format(args.feedback))
    return EXIT_ERRORS if counts["error"] else EXIT_OK


def _regular_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _cmd_print(args) -> int:
    from .printing import print_pdf

    pdf = print_pdf(args.workbook, args.output)
    print(("Đã in PDF: {}" if args.lang == "vi" else "PDF: {}").format(pdf))
    return EXIT_OK


def _cmd_serve(args) -> int:
    try:
        from .portal.server import serve
    except ImportError as missing:           # the portal extra is not installed
        from .messages import text
        raise ToolError(text("portal.cli.missing", args.lang, name=missing.name)) from None
    from .portal.service import PortalError

    try:
        serve(args.data, args.plan, args.db, host=args.host, port=args.port, deadline=args.deadline,
              workers=args.workers, max_upload=args.max_upload * 1024 * 1024, lang=args.lang, agencies=args.agencies)
    except PortalError as error:
        raise ToolError(error.message(args.lang)) from None
    return EXIT_OK


def _cmd_links(args) -> int:
    from .portal.server import agency_links
    from .portal.service import PortalError

    try:
        links = agency_links(args.data, args.base_url, args.db)
    except PortalError as error:
        raise ToolError(error.message(args.lang)) from None
    if args.json:
        json.dump(links, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for agency, url in links.items():
            print(f"{agency}\t{url}")
    return EXIT_OK


def _json_error(args, code: str, file: str, message: str) -> None:
    """With ``--json``, a command that cannot go on still prints one JSON object on stdout:
    ``{"error": {"code", "file", "message"}}`` (codes: file-unreadable, file-skipped, wrong-template,
    unusable-input), besides its line on stderr and exit code 2."""
    if getattr(args, "json", False):
        json.dump({"error": {"code": code, "file": file, "message": message}}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")


def main(argv: list[str] | None = None) -> int:
    from .messages import language

    parser = _parser(language(sys.argv[1:] if argv is None else argv))
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
        code = getattr(problem, "code", "") or ("file-skipped" if problem.skipped else "file-unreadable")
        _json_error(args, code, str(problem.path), problem.message(lang))
        return EXIT_UNUSABLE
    except (ToolError, OSError, ValueError) as error:
        label = "Lỗi" if lang == "vi" else "Error"
        message = " ".join(str(error).split())
        print(f"{label}: {message}", file=sys.stderr)
        _json_error(args, "unusable-input", str(getattr(error, "filename", "") or ""), message)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
