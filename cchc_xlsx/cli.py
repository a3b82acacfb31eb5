"""The command line: a thin layer that parses arguments, calls the library and renders the result."""

from __future__ import annotations

import argparse
import contextlib
import errno
import functools
import json
import os
import sys
from pathlib import Path

from . import __version__
from . import diff as _diff  # noqa: F401  (registers the diff.* messages)
from .agencies import Registry
from .findings import ToolError
from .progress import words as _progress_words  # noqa: F401  (registers the progress commands' messages)
from .inputs import (check_output_free, check_replace, check_templates_target, refuse_consolidated, require_paths,
                     require_read, require_spreadsheets, returns_used)
from .messages import count, register, text
from .workbook import FileProblem, is_regular_file

__all__ = ["main"]

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


def _parser(lang: str = "vi") -> argparse.ArgumentParser:
    """The whole command line, its help in ``lang`` (see messages.language).

    A new command adds one ``_add_<command>(sub, common, lang)`` call at the end; its parser is a
    :class:`_Parser` in ``lang`` (argparse's own words translated), its help from the message table."""
    def t(key: str) -> str:
        return text(key, lang)

    parser = _Parser(prog="cchc-xlsx", lang=lang, description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"cchc-xlsx {__version__}", help=t("cli.opt.version"))
    parser.add_argument("--lang", choices=("vi", "en"), default=lang, help=t("cli.opt.lang"))
    sub = parser.add_subparsers(dest="command", metavar=t("cli.metavar.command"),
                                parser_class=functools.partial(_Parser, lang=lang))

    common = _Parser(add_help=False, lang=lang)
    common.add_argument("--lang", choices=("vi", "en"), default=lang, help=t("cli.opt.lang"))
    common.add_argument("--agencies", metavar="CSV", type=Path, help=t("cli.opt.agencies"))

    read = sub.add_parser("read", parents=[common], help=t("cli.read.help"), description=t("cli.read.description"))
    read.add_argument("file", type=Path, metavar=t("cli.metavar.plan"), help=t("cli.read.file"))
    read.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    read.add_argument("--year", type=int, metavar=t("cli.metavar.year"), help=t("cli.opt.year"))
    read.set_defaults(handler=_cmd_read)

    templates = sub.add_parser("templates", parents=[common], help=t("cli.templates.help"),
                               description=t("cli.templates.description"))
    templates.add_argument("plan", type=Path, nargs="?", metavar=t("cli.metavar.plan"), help=t("cli.opt.plan"))
    templates.add_argument("-o", "--output", type=Path, required=True, metavar=t("cli.metavar.dir"),
                           help=t("cli.templates.output"))
    templates.add_argument("--password", metavar=t("cli.metavar.password"), help=t("cli.templates.password"))
    templates.add_argument("--deadline", default="", metavar=t("cli.metavar.date"), help=t("cli.templates.deadline"))
    templates.add_argument("--contact", metavar=t("cli.metavar.contact"), help=t("cli.templates.contact"))
    templates.add_argument("--year", type=int, metavar=t("cli.metavar.year"), help=t("cli.opt.year"))
    templates.add_argument("--force", action="store_true", help=t("cli.templates.force"))
    templates.set_defaults(handler=_cmd_templates)

    consolidate = sub.add_parser("consolidate", parents=[common], help=t("cli.consolidate.help"),
                                 description=t("cli.consolidate.description"))
    consolidate.add_argument("returns", type=Path, nargs="*", metavar=t("cli.metavar.returns"),
                             help=t("cli.opt.returns"))
    consolidate.add_argument("--plan", type=Path, metavar=t("cli.metavar.plan"), help=t("cli.opt.plan"))
    consolidate.add_argument("-o", "--output", type=Path, metavar=t("cli.metavar.workbook"),
                             help=t("cli.consolidate.output"))
    consolidate.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    consolidate.add_argument("--pdf", action="store_true", help=t("cli.consolidate.pdf"))
    consolidate.add_argument("--deadline", type=functools.partial(_date, lang=lang), metavar="DD/MM/YYYY",
                             help=t("cli.consolidate.deadline"))
    consolidate.add_argument("--force", action="store_true", help=t("cli.consolidate.force"))
    consolidate.set_defaults(handler=_cmd_consolidate)
    _add_signing(consolidate, lang)

    check = sub.add_parser("check", parents=[common], help=t("cli.check.help"), description=t("cli.check.description"))
    check.add_argument("files", type=Path, nargs="+", metavar=t("cli.metavar.returns"), help=t("cli.opt.returns"))
    check.add_argument("--plan", type=Path, metavar=t("cli.metavar.plan"), help=t("cli.opt.plan"))
    check.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    check.add_argument("--feedback", type=Path, metavar=t("cli.metavar.dir"), help=t("cli.check.feedback"))
    check.set_defaults(handler=_cmd_check)

    print_ = sub.add_parser("print", parents=[common], help=t("cli.print.help"), description=t("cli.print.description"))
    print_.add_argument("workbook", type=Path, metavar=t("cli.metavar.workbook"), help=t("cli.print.workbook"))
    print_.add_argument("-o", "--output", type=Path, metavar="PDF", help=t("cli.print.output"))
    print_.set_defaults(handler=_cmd_print)
    _add_progress_templates(sub, common, lang)
    _add_progress(sub, common, lang)
    _add_diff(sub, common, lang)
    _add_serve(sub, common, lang)
    _add_links(sub, common, lang)
    return parser


def _add_serve(sub, common, lang: str) -> None:
    from .messages import text
    from .portal import texts  # noqa: F401  (the portal's messages)

    serve = sub.add_parser("serve", parents=[common], help=text("portal.cli.serve", lang),
                           description=text("portal.cli.serve_description", lang))
    serve.add_argument("plan", type=Path, nargs="?", metavar=text("cli.metavar.plan", lang), help=text("portal.cli.plan", lang))
    serve.add_argument("--data", type=Path, default=Path("cchc-portal"), metavar=text("cli.metavar.dir", lang),
                       help=text("portal.cli.data", lang))
    serve.add_argument("--db", metavar="URL", help=text("portal.cli.db", lang))
    serve.add_argument("--host", default="127.0.0.1", metavar=text("cli.metavar.host", lang), help=text("portal.cli.host", lang))
    serve.add_argument("--port", type=int, default=8000, metavar=text("cli.metavar.port", lang), help=text("portal.cli.port", lang))
    serve.add_argument("--deadline", type=functools.partial(_date, lang=lang), metavar="DD/MM/YYYY", help=text("portal.cli.deadline", lang))
    serve.add_argument("--workers", type=int, metavar=text("cli.metavar.count", lang), help=text("portal.cli.workers", lang))
    serve.add_argument("--max-upload", type=int, default=20, metavar="MB", help=text("portal.cli.max_upload", lang))
    serve.set_defaults(handler=_cmd_serve)


def _add_links(sub, common, lang: str) -> None:
    from .messages import text
    from .portal import texts  # noqa: F401

    links = sub.add_parser("links", parents=[common], help=text("portal.cli.links", lang),
                           description=text("portal.cli.links_description", lang))
    links.add_argument("--data", type=Path, default=Path("cchc-portal"), metavar=text("cli.metavar.dir", lang),
                       help=text("portal.cli.data", lang))
    links.add_argument("--db", metavar="URL", help=text("portal.cli.db", lang))
    links.add_argument("--base-url", default="http://127.0.0.1:8000", metavar="URL", help=text("portal.cli.base_url", lang))
    links.add_argument("--json", action="store_true", help=text("portal.cli.json", lang))
    links.set_defaults(handler=_cmd_links)


def _add_diff(sub, common, lang: str) -> None:
    from .messages import text

    diff = sub.add_parser("diff", parents=[common], help=text("diff.help", lang),
                          description=text("diff.description", lang))
    diff.add_argument("old", type=Path, metavar=text("cli.metavar.old", lang), help=text("diff.old", lang))
    diff.add_argument("new", type=Path, metavar=text("cli.metavar.new", lang), help=text("diff.new", lang))
    diff.add_argument("-o", "--output", type=Path, metavar=text("cli.metavar.diff-book", lang), help=text("diff.output", lang))
    diff.add_argument("--json", action="store_true", help=text("diff.json", lang))
    diff.add_argument("--pdf", action="store_true", help=text("diff.pdf", lang))
    diff.add_argument("--force", action="store_true", help=text("cli.output.force", lang))
    diff.set_defaults(handler=_cmd_diff)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser in the user's language: its help, usage and errors, argparse's own words
    included ("usage:", "options", "the following arguments are required" …, see :data:`ARGPARSE_WORDS`),
    and an argument error in one line on stderr with the (sub)command's usage, exit code 2."""

    def __init__(self, *args, lang: str = "vi", add_help: bool = True, parents=(), **kwargs) -> None:
        self.lang = lang
        with _argparse_in(lang):
            super().__init__(*args, add_help=False, **kwargs)
            if add_help:        # first, as argparse's own -h would be
                self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                                  help=text("cli.opt.help", lang))
            for parent in parents:          # what ArgumentParser(parents=...) does, after -h
                self._add_container_actions(parent)
                self._defaults.update(getattr(parent, "_defaults", {}))

    def parse_known_args(self, args=None, namespace=None):
        with _argparse_in(self.lang):
            return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):
        """As argparse's, but an argument no command knows is told with the command's own usage."""
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            with _argparse_in(self.lang):
                message = argparse._("unrecognized arguments: %s") % " ".join(extras)
            self._command_parser(namespace).error(message)
        return namespace

    def _command_parser(self, namespace) -> argparse.ArgumentParser:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen = action.choices.get(getattr(namespace, action.dest, None) or "")
                if chosen is not None:
                    return chosen
        return self

    def format_usage(self) -> str:
        with _argparse_in(self.lang):
            return super().format_usage()

    def format_help(self) -> str:
        with _argparse_in(self.lang):
            return super().format_help()

    def error(self, message: str):
        usage = " ".join(self.format_usage().split())
        line = text("cli.argument-error", self.lang, message=" ".join(message.split()), usage=usage, prog=self.prog)
        self.exit(EXIT_UNUSABLE, line + "\n")


#: argparse's own sentences (its gettext msgids, Python 3.11–3.13) in Vietnamese. English is argparse's own.
ARGPARSE_WORDS = {
    "usage: ": "Cách dùng: ",
    "positional arguments": "đối số",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "the following arguments are required: %s": "thiếu đối số bắt buộc: %s",
    "unrecognized arguments: %s": "không hiểu đối số: %s",
    "argument %(argument_name)s: %(message)s": "đối số %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "nhận nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected %s argument": "cần %s giá trị",
    "expected %s arguments": "cần %s giá trị",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn chưa rõ: %(option)s có thể là %(matches)s",
    "not allowed with argument %s": "không dùng cùng đối số %s",
    "one of the arguments %s is required": "cần một trong các đối số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
    "can't open '%(filename)s': %(error)s": "không mở được «%(filename)s»: %(error)s",
}


@contextlib.contextmanager
def _argparse_in(lang: str):
    """argparse's words in ``lang`` while the block runs. argparse looks its sentences up through
    the module's ``_``/``ngettext`` (gettext); the catalogue here is :data:`ARGPARSE_WORDS`. The one
    seam into argparse's internals, pinned by tests/test_cli_first_hour.py (every msgid still in argparse)."""
    if lang == "en":
        yield
        return
    saved = argparse._, argparse.ngettext
    argparse._ = lambda message: ARGPARSE_WORDS.get(message, message)
    argparse.ngettext = lambda one, many, n: ARGPARSE_WORDS.get(one if n == 1 else many, one if n == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def _date(value: str, lang: str = "vi"):
    import datetime as dt

    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(text("cli.not-a-date", lang, value=value))


def _add_signing(parser, lang: str) -> None:
    """The Decree 30/2020 blocks of Tổng hợp: who issues and signs (write/signing.py)."""
    from . import messages
    from .write.signing import SIGNING_OPTIONS

    group = parser.add_argument_group(messages.text("cli.signing.group", lang))
    for flag, key, metavar in SIGNING_OPTIONS:
        group.add_argument(flag, metavar=metavar, type=_date if flag == "--date" else str,
                           help=messages.text(key, lang))


def _signing(args):
    from .write.signing import Signing

    return Signing(parent=args.issuer_parent, issuer=args.issuer, place=args.place, date=args.date,
                   preparer=args.preparer or "", signer=args.signer or "")


def _registry(args) -> Registry | None:
    return Registry.load(args.agencies) if getattr(args, "agencies", None) else None


def _cmd_read(args) -> int:
    from .pipeline import read_plan
    from .report import plan_summary, render_summary

    refuse_consolidated([args.file])
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

    refuse_consolidated([args.plan])
    plan = read_plan(args.plan or bundled_plan_path(), year=args.year, registry=_registry(args))
    check_templates_target(args.output, plan.year, force=args.force)
    options = TemplateOptions(password=args.password, deadline=args.deadline)
    if args.contact:
        options.contact = args.contact
    paths = write_templates(plan, args.output, options)
    print(count("cli.templates-written", len(paths), args.lang, dir=args.output))
    for path in paths:
        print(f"  {path.name}")
    return EXIT_OK


def _cmd_consolidate(args) -> int:
    from .consolidate import consolidate
    from .pipeline import bundled_plan_path
    from .report import consolidation_summary, render_consolidation
    from .write import write_workbook

    returns = list(args.returns)
    plan_alone = not returns and args.plan is not None        # said so: the plan checked alone
    if not returns and args.plan is None:          # the main job on the bundled data
        returns = [bundled_plan_path().parent / "returns"]
    refuse_consolidated([args.plan, *returns])
    if returns:
        require_spreadsheets(returns, "consolidate")
    result = consolidate(returns, args.plan, registry=_registry(args), progress=False if args.json else args.lang,
                         deadline=args.deadline)
    if returns:
        require_read(result, returns, "consolidate")
    output = args.output or Path(f"cchc-{result.plan.year}-tong-hop.xlsx")
    check_replace(output, returns_used(result), force=args.force, compare_returns=not plan_alone)
    inputs = [args.plan or bundled_plan_path(), *[Path(p) for p in result.sources["path"]]]
    written = write_workbook(result, output, inputs=inputs, lang=args.lang, signing=_signing(args))
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
        print(text("cli.written", args.lang, path=written))
        if pdf:
            print(text("cli.pdf-written", args.lang, path=pdf))
    return EXIT_ERRORS if summary["severity_counts"]["error"] else EXIT_OK


def _cmd_check(args) -> int:
    from .consolidate import check_files
    from .findings import count_by_severity

    files = list(args.files)
    refuse_consolidated([args.plan, *files])
    require_spreadsheets(files, "check")
    result = check_files(files, args.plan, registry=_registry(args), progress=False if args.json else args.lang)
    require_read(result, files, "check")
    findings = result.findings
    read = result.extra["returns_read"]
    if args.feedback:
        from .feedback import agency_total, write_feedback
        for ret in read:
            # a file that is not there to copy (a pipe, a broken link, gone) has its finding already
            if ret.status in ("unreadable", "skipped") and not is_regular_file(ret.path):
                continue
            try:
                write_feedback(ret.path, findings, args.feedback, lang=args.lang,
                               totals=agency_total(result, ret.agency))
            except FileNotFoundError:      # removed since it was read: its findings still print
                continue
    counts = count_by_severity(findings)
    if args.json:
        json.dump({"severity_counts": counts, "findings": [f.to_dict(args.lang) for f in findings]},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_ERRORS if counts["error"] else EXIT_OK
    from .report import render_check
    print(render_check(findings, read, args.lang, feedback=args.feedback))
    return EXIT_ERRORS if counts["error"] else EXIT_OK


def _cmd_print(args) -> int:
    from .printing import print_pdf

    pdf = print_pdf(args.workbook, args.output)
    print(text("cli.pdf-written", args.lang, path=pdf))
    return EXIT_OK


def _add_progress_templates(sub, common, lang: str) -> None:
    from .messages import text

    cmd = sub.add_parser("progress-templates", parents=[common], help=text("progress.templates.help", lang),
                         description=text("progress.templates.description", lang))
    cmd.add_argument("plan", type=Path, nargs="?", metavar=text("cli.metavar.plan", lang), help=text("progress.arg.plan", lang))
    cmd.add_argument("--period", required=True, metavar=text("cli.metavar.period", lang), help=text("progress.arg.period", lang))
    cmd.add_argument("-o", "--output", type=Path, required=True, metavar=text("cli.metavar.dir", lang),
                     help=text("progress.arg.output_dir", lang))
    cmd.add_argument("--previous", type=Path, metavar=text("cli.metavar.previous", lang), help=text("progress.arg.previous", lang))
    cmd.add_argument("--deadline", default="", metavar=text("cli.metavar.date", lang), help=text("progress.arg.deadline", lang))
    cmd.add_argument("--password", metavar=text("cli.metavar.password", lang), help=text("progress.arg.password", lang))
    cmd.add_argument("--year", type=int, metavar=text("cli.metavar.year", lang), help=text("progress.arg.year", lang))
    cmd.add_argument("--force", action="store_true", help=text("cli.templates.force", lang))
    cmd.set_defaults(handler=_cmd_progress_templates)


def _cmd_progress_templates(args) -> int:
    from .messages import text
    from .periods import period
    from .pipeline import bundled_plan_path, read_plan
    from .progress.read import read_previous
    from .progress.template import ProgressTemplateOptions, write_progress_templates

    plan = read_plan(args.plan or bundled_plan_path(), year=args.year, registry=_registry(args))
    when = period(args.period, plan.year)
    check_templates_target(args.output, plan.year, force=args.force)     # an agency's filled form is kept
    options = ProgressTemplateOptions(password=args.password, deadline=args.deadline, registry=_registry(args))
    if args.previous:
        options.previous = read_previous(args.previous)
    paths = write_progress_templates(plan, when, args.output, options)
    print(text("progress.templates.written", args.lang, n=len(paths), period=when.label(args.lang), dir=args.output))
    for path in paths:
        print(f"  {path.name}")
    return EXIT_OK


def _add_progress(sub, common, lang: str) -> None:
    from .messages import text

    cmd = sub.add_parser("progress", parents=[common], help=text("progress.help", lang),
                         description=text("progress.description", lang))
    cmd.add_argument("returns", type=Path, nargs="+", metavar=text("cli.metavar.returns", lang), help=text("progress.arg.returns", lang))
    cmd.add_argument("--plan", type=Path, metavar=text("cli.metavar.plan", lang), help=text("progress.arg.plan", lang))
    cmd.add_argument("--period", metavar=text("cli.metavar.period", lang), help=text("progress.arg.period_default", lang))
    cmd.add_argument("--previous", type=Path, metavar=text("cli.metavar.previous", lang), help=text("progress.arg.previous", lang))
    cmd.add_argument("-o", "--output", type=Path, metavar=text("cli.metavar.progress-book", lang),
                     help=text("progress.arg.output", lang))
    cmd.add_argument("--pdf", action="store_true", help=text("progress.arg.pdf", lang))
    cmd.add_argument("--json", action="store_true", help=text("progress.arg.json", lang))
    cmd.add_argument("--force", action="store_true", help=text("cli.output.force", lang))
    cmd.set_defaults(handler=_cmd_progress)


def _cmd_progress(args) -> int:
    from .messages import text
    from .inputs import require_spreadsheets
    from .progress.job import render_progress, run_progress
    from .write.progress_book import write_progress_book

    for path in args.returns:
        if not path.exists():
            raise ToolError(text("progress.no_such_path", args.lang, path=path))
    require_spreadsheets(args.returns, "progress")
    result = run_progress(list(args.returns), args.plan, period_code=args.period, previous_path=args.previous,
                          registry=_registry(args), lang=args.lang)
    output = args.output or Path(f"cchc-{result.plan.year}-tien-do-{result.period.code}.xlsx")
    check_output_free(output, [*args.returns, args.plan, args.previous], force=args.force)
    written = write_progress_book(result, output, args.lang)
    pdf = None
    if args.pdf:
        from .printing import print_pdf
        pdf = print_pdf(written)
    if args.json:
        data = result.to_json(args.lang) | {"output": str(written), "pdf": str(pdf) if pdf else None}
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_progress(result, args.lang))
        print(text("progress.written", args.lang, path=written))
        if pdf:
            print(text("progress.pdf", args.lang, path=pdf))
    return EXIT_ERRORS if any(f.severity == "error" for f in result.findings) else EXIT_OK
def _cmd_diff(args) -> int:
    from .diff import diff_files, render_diff
    from .findings import count_by_severity
    from .messages import text

    result = diff_files(args.old, args.new, registry=_registry(args))
    written = pdf = None
    if args.output or args.pdf:
        from .write.diff_book import default_name, write_diff_book
        check_output_free(args.output or default_name(result), [args.old, args.new], force=args.force)
        written = write_diff_book(result, args.output or default_name(result), inputs=[args.old, args.new],
                                  lang=args.lang)
        if args.pdf:
            from .printing import print_pdf
            pdf = print_pdf(written)
    if args.json:
        data = result.to_json(args.lang)
        if written:
            data |= {"output": str(written), "pdf": str(pdf) if pdf else None}
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(render_diff(result, args.lang))
        if written:
            print(text("diff.written", args.lang, path=written))
        if pdf:
            print(text("diff.pdf_written", args.lang, path=pdf))
    errors = count_by_severity(result.old.findings)["error"] + count_by_severity(result.new.findings)["error"]
    return EXIT_ERRORS if errors else EXIT_OK


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


#: The arguments of every command that name files to read: each must exist (exit 2 before any work).
INPUT_ARGUMENTS = ("file", "plan", "returns", "files", "workbook", "agencies", "old", "new", "previous")


def _inputs(args) -> list:
    given = []
    for name in INPUT_ARGUMENTS:
        value = getattr(args, name, None)
        given += value if isinstance(value, list) else [value]
    return given


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code: 0 ok, 1 errors found in the data, 2 unusable input
    (one line on stderr), 130 interrupted. The code survives a reader that closes the pipe early
    (``check … | head -1``): the rest of the output goes to the null device."""
    from .messages import language

    _speak_vietnamese()
    lang = language(sys.argv[1:] if argv is None else argv)
    parser = _parser(lang)
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:        # --help, --version (0) or an argument error (2, its line printed)
        return done.code if isinstance(done.code, int) else EXIT_UNUSABLE
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_UNUSABLE
    lang = getattr(args, "lang", lang)
    stdout = sys.stdout
    sys.stdout = _PipeSafe(stdout)
    try:
        require_paths(_inputs(args))
        code = args.handler(args)
        sys.stdout.flush()
        return code
    except FileProblem as problem:
        _error(lang, f"{problem.path}: {problem.message(lang)}")
        code = getattr(problem, "code", "") or ("file-skipped" if problem.skipped else "file-unreadable")
        _json_error(args, code, str(problem.path), problem.message(lang))
        return EXIT_UNUSABLE
    except ToolError as error:
        message = " ".join(error.message(lang).split())
        _error(lang, message)
        path = getattr(error, "path", "") or getattr(error, "values", {}).get("path", "")
        _json_error(args, "unusable-input", str(path or ""), message)
        return EXIT_UNUSABLE
    except (OSError, ValueError) as error:
        message = _os_message(error, lang)
        _error(lang, message)
        _json_error(args, "unusable-input", str(getattr(error, "filename", "") or ""), message)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130
    finally:
        try:
            sys.stdout.flush()
        finally:
            sys.stdout = stdout


def _speak_vietnamese() -> None:
    """stdout and stderr in UTF-8 where their encoding cannot write Vietnamese (a Windows console
    redirected to a file or a pipe writes cp1252 by default): a letter it lacks would otherwise
    raise UnicodeEncodeError, a traceback instead of the result."""
    for stream in (sys.stdout, sys.stderr):
        try:
            "Lỗi: ộ đ".encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            try:
                stream.reconfigure(encoding="utf-8")
            except (AttributeError, ValueError, OSError):
                pass
        except (AttributeError, TypeError):
            pass


class _PipeSafe:
    """stdout that outlives its reader: once the pipe is closed (``| head``), what is left goes to the
    null device, so the command runs to its end and its exit code is kept (the Python docs' way of
    handling SIGPIPE: point the descriptor at os.devnull)."""

    def __init__(self, stream) -> None:
        self._stream, self.closed_pipe = stream, False

    def write(self, data: str) -> int:
        if not self.closed_pipe:
            try:
                return self._stream.write(data)
            except BrokenPipeError:
                self._to_devnull()
        return len(data)

    def flush(self) -> None:
        if not self.closed_pipe:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._to_devnull()

    def _to_devnull(self) -> None:
        self.closed_pipe = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _error(lang: str, message: str) -> None:
    try:
        print(text("cli.error", lang, message=message), file=sys.stderr)
    except (BrokenPipeError, OSError, ValueError):
        pass


#: errno -> (vi, en) reason, for an operating-system error that reaches the command line.
_OS_REASONS = {
    errno.ENOENT: ("không có tệp hay thư mục này", "no such file or folder"),
    errno.EACCES: ("không có quyền", "permission denied"),
    errno.EPERM: ("không được phép", "not permitted"),
    errno.ENOSPC: ("ổ đĩa đã đầy", "the disk is full"),
    errno.EROFS: ("ổ đĩa chỉ đọc", "the disk is read-only"),
    errno.EISDIR: ("là một thư mục", "is a folder"),
    errno.ENOTDIR: ("không phải thư mục", "not a folder"),
}


def _os_message(error: Exception, lang: str) -> str:
    if isinstance(error, OSError) and error.errno in _OS_REASONS:
        reason = _OS_REASONS[error.errno][0 if lang == "vi" else 1]
        return text("cli.os-error", lang, file=error.filename or "", reason=reason)
    return " ".join(str(error).split())


register({
    # help: the command line
    "cli.description": (
        "Lập, thu thập, kiểm tra và in kế hoạch, ngân sách cải cách hành chính (CCHC) của tỉnh. "
        "Mã thoát: 0 không có lỗi, 1 có lỗi trong số liệu, 2 đầu vào hoặc lệnh không dùng được. "
        "Ngôn ngữ: tiếng Việt; tiếng Anh với --lang en hoặc LANG=en*.",
        "Plan, collect, check and print a province's administrative-reform (CCHC) budget. "
        "Exit codes: 0 no errors, 1 errors found in the data, 2 unusable input or command. "
        "Language: Vietnamese; English with --lang en or LANG=en*."),
    "cli.metavar.command": ("LỆNH", "COMMAND"),
    "cli.metavar.plan": ("KẾ_HOẠCH", "PLAN"),
    "cli.metavar.returns": ("BÁO_CÁO", "RETURNS"),
    "cli.metavar.workbook": ("BẢNG_TÍNH", "WORKBOOK"),
    "cli.metavar.dir": ("THƯ_MỤC", "DIR"),
    "cli.metavar.year": ("NĂM", "YEAR"),
    "cli.metavar.date": ("NGÀY", "DATE"),
    "cli.metavar.password": ("MẬT_KHẨU", "PASSWORD"),
    "cli.output.force": ("ghi đè tệp kết quả đã có dù không phải do cchc-xlsx ghi ra",
                         "overwrite an existing output file even when cchc-xlsx did not write it"),
    "cli.metavar.period": ("KỲ", "PERIOD"),
    "cli.metavar.previous": ("KỲ_TRƯỚC.xlsx", "PREV.xlsx"),
    "cli.metavar.progress-book": ("TIẾN_ĐỘ.xlsx", "OUT.xlsx"),
    "cli.metavar.old": ("CŨ", "OLD"),
    "cli.metavar.new": ("MỚI", "NEW"),
    "cli.metavar.host": ("ĐỊA_CHỈ", "HOST"),
    "cli.metavar.port": ("CỔNG", "PORT"),
    "cli.metavar.count": ("SỐ", "N"),
    "cli.metavar.diff-book": ("SO_SÁNH.xlsx", "DIFF.xlsx"),
    "cli.metavar.contact": ("NGƯỜI_LIÊN_HỆ", "CONTACT"),
    "cli.opt.help": ("in hướng dẫn này rồi thoát", "show this help message and exit"),
    "cli.opt.version": ("in số phiên bản rồi thoát", "show the version number and exit"),
    "cli.opt.lang": ("ngôn ngữ của thông báo: vi (tiếng Việt, mặc định) hoặc en (tiếng Anh)",
                     "language of messages: vi (Vietnamese, the default) or en (English)"),
    "cli.opt.agencies": ("tệp CSV bổ sung danh mục cơ quan, đơn vị (các cột id,name,kind,aliases,typos; lưu từ "
                         "Excel dạng CSV, dấu phẩy hoặc chấm phẩy)",
                         "a CSV of extra agencies for the registry (columns id,name,kind,aliases,typos; saved from "
                         "Excel as CSV, comma or semicolon)"),
    "cli.opt.json": ("in kết quả dạng JSON", "print the result as JSON"),
    "cli.opt.year": ("năm của kế hoạch, khi tiêu đề không ghi", "the plan year, when the titles do not say it"),
    "cli.opt.plan": ("kế hoạch (mặc định: kế hoạch Đắk Lắk 2018 đi kèm)",
                     "the plan (default: the bundled 2018 Đắk Lắk plan)"),
    "cli.opt.returns": ("các tệp báo cáo đơn vị gửi về, hoặc thư mục chứa chúng",
                        "returned workbooks, or folders of them"),
    "cli.read.help": ("đọc Phụ lục 1 và 2 của một quyết định và tóm tắt",
                      "read a decision's Phụ lục 1 and 2 and summarise them"),
    "cli.read.description": (
        "Đọc một kế hoạch trình bày như quyết định (Phụ lục 1 và 2) và in bản tóm tắt: số dòng mỗi cấp, ngân "
        "sách theo nhiệm vụ và theo đơn vị được cấp kinh phí, phân bổ, và mọi phát hiện.",
        "Read a plan laid out like the decision (Phụ lục 1 and 2) and print a summary: counts per level, budget "
        "per task and per funded agency, the allocation, and every finding."),
    "cli.read.file": ("tệp kế hoạch (.xlsx, .xlsm, .xls, .ods)", "the plan workbook (.xlsx, .xlsm, .xls, .ods)"),
    "cli.templates.help": ("ghi cho mỗi đơn vị một biểu mẫu để gửi đi",
                           "write one template workbook per agency, to send out"),
    "cli.templates.description": (
        "Ghi cho mỗi đơn vị chịu trách nhiệm các dòng của kế hoạch một biểu mẫu đã khóa, điền sẵn các dòng của "
        "đơn vị ở Phụ lục 1 và 2 (danh sách chọn, tổng tự tính, dòng trống để đề xuất hoạt động mới, hướng dẫn "
        "bằng tiếng Việt), và biểu mẫu của Sở Nội vụ với mọi dòng.",
        "Write, for each agency that answers for rows of the plan, a protected template pre-filled with its rows "
        "of Phụ lục 1 and 2 (dropdowns, live subtotals, spare rows for new activities, instructions in "
        "Vietnamese), plus the Sở Nội vụ's workbook with every row."),
    "cli.templates.output": ("thư mục để ghi các biểu mẫu", "folder to write into"),
    "cli.templates.password": ("khóa các trang bằng mật khẩu này (mặc định: không có mật khẩu)",
                               "protect the sheets with this password (default: no password)"),
    "cli.templates.deadline": ("hạn gửi báo cáo, ghi trong hướng dẫn", "the date returns are due, shown in the instructions"),
    "cli.templates.contact": ("người để đơn vị liên hệ, ghi trong hướng dẫn",
                              "whom agencies contact, shown in the instructions"),
    "cli.templates.force": ("ghi đè cả những tệp cùng tên đã được sửa, lưu lại (báo cáo đơn vị đã điền)",
                            "overwrite files of the same names even when they were edited and saved (filled returns)"),
    "cli.consolidate.help": ("tổng hợp các báo cáo gửi về thành một bảng tổng hợp đã kiểm tra",
                             "consolidate the returned workbooks into one checked workbook"),
    "cli.consolidate.description": (
        "Đọc mọi báo cáo gửi về (tệp hoặc thư mục) đối chiếu với kế hoạch, gộp thành một kế hoạch, chạy mọi "
        "bước kiểm tra và ghi bảng tổng hợp. Không có đối số nào: kế hoạch Đắk Lắk 2018 đi kèm và các báo cáo "
        "mẫu. Có --plan và không có báo cáo: chỉ kiểm tra kế hoạch. Không ghi đè một bảng tổng hợp tốt hơn "
        "(từ nhiều báo cáo hơn, đã được sửa tay, đang mở) hay một tệp không phải bảng tổng hợp, trừ khi có --force.",
        "Read every returned workbook (files or folders) against the plan, merge them into one plan, run every "
        "check and write the consolidated workbook. With no arguments at all: the bundled 2018 Đắk Lắk plan and "
        "its sample returns. With --plan and no returns: the plan checked alone. A better consolidated workbook "
        "(from more returns, edited by hand, open) or a file that is not one is not overwritten without --force."),
    "cli.consolidate.output": ("bảng tổng hợp sẽ ghi (mặc định: cchc-NĂM-tong-hop.xlsx ở thư mục hiện tại)",
                               "the workbook to write (default: cchc-YEAR-tong-hop.xlsx here)"),
    "cli.consolidate.pdf": ("in thêm bảng tổng hợp ra PDF (LibreOffice)", "also print the workbook to PDF (LibreOffice)"),
    "cli.consolidate.deadline": ("báo cáo lưu sau ngày này bị ghi là gửi muộn",
                                 "returns saved after this day are reported late"),
    "cli.consolidate.force": (
        "ghi đè tệp kết quả kể cả khi nó không phải bảng tổng hợp, đã được sửa, đang mở, hoặc được tổng hợp từ "
        "nhiều báo cáo hơn lần chạy này",
        "replace the output even when it is not a consolidated workbook, was edited, is open, or came from more "
        "returns than this run found"),
    "cli.check.help": ("kiểm tra các báo cáo gửi về trước khi tổng hợp", "check returned workbooks before consolidation"),
    "cli.check.description": (
        "Chạy các bước kiểm tra của việc tổng hợp trên một số báo cáo và liệt kê chỗ sai: tệp, trang, ô; cuối "
        "cùng một dòng tóm tắt. Với --feedback, ghi cho mỗi tệp một bản sao có tô màu và chú thích các ô, để gửi "
        "lại đơn vị (tệp gốc không bao giờ bị sửa).",
        "Run the consolidation's checks on some returns only and list what is wrong: file, sheet and cell; then "
        "one summary line. With --feedback, write for each file a copy with the cells highlighted and commented, "
        "to send back to the agency (the files themselves are never changed)."),
    "cli.check.feedback": ("ghi các bản góp ý vào THƯ_MỤC", "write the feedback workbooks into DIR"),
    "cli.print.help": ("in bảng tổng hợp ra PDF (LibreOffice)", "print a consolidated workbook to PDF (LibreOffice)"),
    "cli.print.description": (
        "In một bảng tính ra PDF bằng LibreOffice chạy ngầm (Windows, macOS hoặc Linux: gói Debian "
        "libreoffice-calc-nogui).",
        "Print a workbook to PDF with LibreOffice headless (Windows, macOS or Linux: Debian package "
        "libreoffice-calc-nogui)."),
    "cli.print.workbook": ("bảng tổng hợp", "the consolidated workbook"),
    "cli.print.output": ("tệp PDF (mặc định: cạnh bảng tính)", "the PDF (default: beside the workbook)"),
    "cli.argument-error": ("Lỗi: {message}. {usage} (xem «{prog} --help»)",
                           "Error: {message}. {usage} (see «{prog} --help»)"),
    "cli.not-a-date": ("không phải ngày: «{value}» (ghi như 15/01/2018)", "not a date: «{value}» (write 15/01/2018)"),
    # results and errors
    "cli.error": ("Lỗi: {message}", "Error: {message}"),
    "cli.os-error": ("{file}: {reason}", "{file}: {reason}"),
    "cli.written": ("Đã ghi: {path}", "Written: {path}"),
    "cli.pdf-written": ("Đã in PDF: {path}", "PDF: {path}"),
    "cli.templates-written": ("Đã tạo {n} biểu mẫu trong {dir}:", "Wrote {n} template in {dir}:|Wrote {n} templates in {dir}:"),
})


if __name__ == "__main__":
    sys.exit(main())
