"""The conventions every verb shares, as a small layer new verbs adopt in three lines.

A verb looks like this::

    @main.command("cache")
    @project_argument()                      # [项目文件夹], default ".", enterprise.yaml means its folder
    @output_option("输出文件夹")               # -o/--output (and the hidden old spelling --out)
    @common_options                           # --json, -q/--quiet, -v/--verbose, --color, errors → exit 2
    def cache(directory, out, ui: Ui) -> None:
        findings = ...
        if ui.json:
            ui.emit(envelope("cache", exit_code(findings), findings, size=...))
        else:
            ui.print_findings(findings)
        sys.exit(exit_code(findings))

- :func:`common_options` adds ``--json``, ``-q/--quiet``, ``-v/--verbose`` and ``--color
  auto|always|never`` (``NO_COLOR`` is honoured under ``auto``), hands the verb a :class:`Ui`,
  and turns a :class:`~dossier.util.errors.DossierError` (or a full disk, Ctrl-C, a bug) into a Chinese
  message and exit code 2 — as a JSON envelope on stdout under ``--json``.
- :func:`envelope` builds the one JSON shape of every verb (``schema/dossier.schema.json``,
  docs/json.md): ``{"schema": "dossier/1", "verb", "exit_code", "findings", "counts", ...}``.
- :meth:`Ui.print_findings` is the one findings printer: on a terminal, findings grouped by file
  in file order, wrapped to the terminal's width; otherwise one line per finding,
  ``file:line: CODE 级别：message``, for grep and editors. Nothing the user wrote is ever read as
  rich markup: every string reaches rich as :class:`rich.text.Text`.
- :meth:`Ui.reminders` prints reminders on stderr, sentences shared by many files grouped into one.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from dossier.util.errors import DossierError
from dossier.util.findings import SEVERITY_LABEL, Finding, count, sort_key

SCHEMA = "dossier/1"
STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


# ---------------------------------------------------------------- the JSON envelope


def finding_dict(f: Finding) -> dict[str, Any]:
    return f.to_dict()


def envelope(verb: str, exit_code: int, findings: Iterable[Finding] = (), /, **extra: Any) -> dict[str, Any]:
    """The JSON object a verb prints under ``--json``; verb-specific keys follow the shared ones."""
    items = sorted(findings, key=sort_key)
    data = {
        "schema": SCHEMA,
        "verb": verb,
        "exit_code": exit_code,
        "findings": [finding_dict(f) for f in items],
        "counts": count(items),
    }
    for key, value in extra.items():
        if key not in data:
            data[key] = value
    return data


def error_envelope(verb: str, message: str, *, code: str = "E-INPUT", file: str | None = None, line: int | None = None,
                   page: int | None = None, hint: str | None = None, exit_code: int = 2) -> dict[str, Any]:
    """Exit 2 under ``--json``: the error as the one finding, and ``error`` with its hint."""
    finding = Finding(code, "error", message, file=file, line=line, page=page)
    return envelope(verb, exit_code, [finding], error={"message": message, "hint": hint, "file": file, "line": line, "page": page})


# ---------------------------------------------------------------- options


class AliasOption(click.Option):
    """An option whose old spellings (``--out``) still work but are not shown in ``--help``."""

    def __init__(self, *args: Any, hidden_aliases: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hidden_aliases = tuple(hidden_aliases)

    def get_help_record(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        shown = self.opts
        self.opts = [o for o in shown if o not in self.hidden_aliases]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = shown


def output_option(help: str, *, required: bool = False, file: bool = False, metavar: str | None = None) -> Callable:
    """``-o/--output`` (``--out`` accepted and hidden), a file or a folder, stored as ``out``."""
    kind = click.Path(dir_okay=not file, path_type=Path) if file else click.Path(file_okay=False, path_type=Path)
    return click.option(
        "-o", "--output", "--out", "out", cls=AliasOption, hidden_aliases=("--out",), required=required, type=kind,
        metavar=metavar or ("文件" if file else "文件夹"), help=help,
    )


class ProjectDir(click.ParamType):
    """A project folder; a path to its ``enterprise.yaml`` means the folder that holds it."""

    name = "项目文件夹"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = Path(value)
        if path.name == "enterprise.yaml" or (path.suffix.lower() in (".yaml", ".yml") and path.is_file()):
            return path.parent if str(path.parent) else Path(".")
        return path


def project_argument() -> Callable:
    """``[项目文件夹]``: defaults to the current folder."""
    return click.argument("directory", required=False, default=".", type=ProjectDir(), metavar="[项目文件夹]")


# ---------------------------------------------------------------- the user interface of one run


@dataclass
class Ui:
    """How this run talks to the user: chosen by the common options, used by the verb."""

    verb: str
    json: bool = False
    quiet: bool = False
    verbose: bool = False
    color: str = "auto"

    # -- consoles
    def _color_flag(self) -> bool | None:
        if self.color == "always":
            return True
        if self.color == "never" or os.environ.get("NO_COLOR"):
            return False
        return None

    def console(self, *, stderr: bool = False):  # noqa: ANN201 - rich is imported lazily
        """A rich console as wide as the terminal (no forced width), colour as chosen."""
        from rich.console import Console

        flag = self._color_flag()
        return Console(
            stderr=stderr, highlight=False, markup=False, emoji=False,
            force_terminal=True if flag else None, no_color=flag is False,
            color_system=None if flag is False else "auto",
        )

    def tty(self, *, stderr: bool = False) -> bool:
        stream = sys.stderr if stderr else sys.stdout
        if self.color == "always":
            return True
        return bool(getattr(stream, "isatty", lambda: False)())

    # -- plain output
    def echo(self, text: str = "", *, err: bool = False) -> None:
        """Plain text, never markup. Suppressed on stdout under ``--json``."""
        if self.json and not err:
            return
        click.echo(text, err=err, color=self._color_flag())

    def say(self, text: str) -> None:
        """A line for people on stdout: wrapped to the terminal's width on a terminal, as is otherwise."""
        if self.json:
            return
        if self.tty():
            from rich.text import Text

            self.console().print(Text(text))
        else:
            click.echo(text)

    def emit(self, data: dict[str, Any]) -> None:
        """The JSON envelope on stdout (the only thing stdout carries under ``--json``)."""
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))

    # -- findings
    def print_findings(
        self, findings: Iterable[Finding], *, where: Callable[[Finding], str] | None = None,
        summary: bool = True, extra_summary: str = "",
    ) -> None:
        """Findings in file order: grouped under their file on a terminal, one line each otherwise."""
        items = sorted(findings, key=sort_key)
        if not self.quiet:
            if self.tty():
                self._print_rich(items, where)
            else:
                for f in items:
                    click.echo(plain_line(f, where))
                    if f.rule and (self.verbose or f.severity != "info"):
                        click.echo(f"    依据：{f.rule}")
        if summary:
            self.say(counts_line(items) + extra_summary)

    def _print_rich(self, items: list[Finding], where: Callable[[Finding], str] | None) -> None:
        from rich.table import Table
        from rich.text import Text

        from dossier.cli.i18n import width, wrap

        out = self.console()
        places = [where(f) if where else _short_place(f) for f in items]
        # Messages are wrapped here, between Chinese characters too (rich breaks lines at spaces
        # only, which leaves "附件8" alone on a line before a long unbroken sentence).
        message_width = max(out.width - max((width(p) for p in places), default=0) - 4 - 2, 20)
        current = object()
        table = None
        for f, place in zip(items, places):
            if f.file != current:
                if table is not None:
                    out.print(table)
                current = f.file
                if f.file:
                    out.print(Text(f.file, style="bold"))
                table = Table.grid(padding=(0, 1))
                table.add_column(no_wrap=True, justify="right", style="dim")
                table.add_column(no_wrap=True)
                table.add_column(overflow="fold", ratio=1)
            text = f.message + (f"  [{f.code}]" if self.verbose else "")
            message = Text("\n".join(wrap(text, message_width)))
            if self.verbose:
                message.highlight_regex(r"\[[A-Z][A-Z0-9-]*\]$", style="dim")
            # The sentence each error and warning enforces: the notice's words, or 校验规则 for the
            # tool's own arithmetic (-q hides it with the findings; -v adds it to info lines too).
            if f.rule and (self.verbose or f.severity != "info"):
                message.append("\n" + "\n".join(wrap("依据：" + f.rule, message_width)), style="dim")
            table.add_row(Text(place), Text(SEVERITY_LABEL[f.severity], style=STYLE[f.severity]), message)
        if table is not None:
            out.print(table)

    # -- reminders
    def reminders(self, warnings: Iterable[str], *, rebase: Callable[[str], str] | None = None) -> None:
        """Reminders on stderr; a sentence shared by several files is printed once with their list."""
        for line in group_reminders(list(warnings), rebase=rebase):
            click.echo(f"提醒：{line}", err=True)


def _short_place(f: Finding) -> str:
    if f.line is not None:
        return f"第 {f.line} 行"
    if f.page is not None:
        return f"第 {f.page} 页"
    return ""


def plain_line(f: Finding, where: Callable[[Finding], str] | None = None) -> str:
    """``enterprise.yaml:82: R-REQUIRED 错误：…``: one greppable line per finding."""
    if f.file and f.line is not None:
        place = f"{f.file}:{f.line}"
    elif f.file and f.page is not None:
        place = f"{f.file}:第{f.page}页"
    else:
        place = f.file or (where(f) if where else "")
    head = f"{place}: " if place else ""
    return f"{head}{f.code} {SEVERITY_LABEL[f.severity]}：{f.message}"


def counts_line(findings: Iterable[Finding]) -> str:
    c = count(findings)
    verdict = "未发现错误" if c["error"] == 0 else "存在错误，须修改后再提交"
    return f"共 {c['error']} 个错误、{c['warning']} 个警告、{c['info']} 个提示：{verdict}"


def group_reminders(warnings: list[str], *, rebase: Callable[[str], str] | None = None) -> list[str]:
    """``a.pdf 第 3 页：句子`` × N → ``N 份材料：句子 a.pdf（第 3 页）、…``; others as given, in order.

    ``rebase`` rewrites the file part of a reminder (paths relative to the output folder →
    relative to the current folder).
    """
    groups: dict[str, list[str]] = {}
    order: list[str] = []
    for w in warnings:
        where, sep, sentence = w.partition("：")
        if not sep or not where or "“" in where:
            key, where = w, ""
        else:
            key = sentence
        if where:
            file, _, pages = where.partition(" 第 ")
            where = (rebase(file) if rebase else file) + (f"（第 {pages}）" if pages else "")
        if key not in groups:
            groups[key] = []
            order.append(key)
        if where:
            groups[key].append(where)
    out = []
    for key in order:
        places = groups[key]
        if not places:
            out.append(key)
        elif len(places) == 1:
            out.append(f"{places[0]}：{key}")
        else:
            prefix = os.path.commonpath([p.replace("\\", "/") for p in places]) if all("/" in p for p in places) else ""
            prefix = prefix if prefix and all(p.startswith(prefix + "/") for p in places) else ""
            listed = "、".join(p[len(prefix) + 1:] if prefix else p for p in places)
            out.append(f"{len(places)} 份材料：{key}\n    " + (f"{prefix}/ 下：" if prefix else "") + listed)
    return out


def relative_to_cwd(base: Path) -> Callable[[str], str]:
    """A rebase function for :meth:`Ui.reminders`: ``base``-relative path → current-folder-relative."""

    def rebase(rel: str) -> str:
        target = os.path.normpath(base / rel)
        try:
            shown = os.path.relpath(target)
        except ValueError:  # another drive on Windows
            return target
        # Outside the current folder, the absolute path says more than a chain of "../".
        return os.path.abspath(target) if shown.startswith("..") else shown

    return rebase


# ---------------------------------------------------------------- the decorator


def verb_name(ctx: click.Context | None = None) -> str:
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is None:
        return ""
    parts = ctx.command_path.split()
    return " ".join(parts[1:]) or parts[0]


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--json``, ``-q/--quiet``, ``-v/--verbose``, ``--color``; a :class:`Ui` as ``ui``; errors → exit 2."""

    @click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象（格式见 docs/json.md），便于脚本处理。")
    @click.option("-q", "--quiet", is_flag=True, help="只输出一行结果。")
    @click.option("-v", "--verbose", is_flag=True, help="输出更多细节（每条结果的代码，提示也附依据）。")
    @click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
                  metavar="[auto|always|never]", help="是否使用颜色；auto 时遵从环境变量 NO_COLOR。")
    @functools.wraps(func)
    def wrapper(*args: Any, as_json: bool, quiet: bool, verbose: bool, color: str, **kwargs: Any) -> Any:
        ui = Ui(verb=verb_name(), json=as_json, quiet=quiet, verbose=verbose, color=color)
        return run_guarded(ui, lambda: func(*args, ui=ui, **kwargs))

    return wrapper


def run_guarded(ui: Ui, call: Callable[[], Any]) -> Any:
    """Run a verb; an unusable input, an OS error, Ctrl-C or a bug becomes a Chinese message and an exit code."""
    from dossier.util.interrupt import Terminated, install

    install()  # SIGTERM unwinds like Ctrl-C (LibreOffice killed, staging folders removed); neither cuts an import or a join
    try:
        return call()
    except DossierError as exc:
        _fail(ui, exc.message, file=exc.file, line=exc.line, page=exc.page, hint=exc.hint, text=f"错误：{exc.render()}")
    except KeyboardInterrupt as exc:
        _fail(ui, "已中断，未写入任何不完整的文件。", code="E-INTERRUPTED",
              exit_code=143 if isinstance(exc, Terminated) else 130, text="已中断，未写入任何不完整的文件。")
    except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
        raise
    except BrokenPipeError:
        # The reader went away (`dossier check | head`): nothing is wrong, and nothing more to say.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        sys.exit(1)
    except OSError as exc:
        if os.environ.get("DOSSIER_DEBUG"):
            raise
        from dossier.util.errors import os_error

        err = os_error(exc)
        _fail(ui, err.message, file=err.file, hint=err.hint, code="E-OS", text=f"错误：{err.render()}")
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
        if os.environ.get("DOSSIER_DEBUG"):
            raise
        message = f"内部错误：{type(exc).__name__}: {exc}"
        hint = "这是 dossier 的缺陷，请设置环境变量 DOSSIER_DEBUG=1 重新运行，并把输出报告给维护者。"
        _fail(ui, message, code="E-INTERNAL", hint=hint, text=f"{message}\n  {hint}")


def _fail(ui: Ui, message: str, *, text: str, code: str = "E-INPUT", file: str | None = None, line: int | None = None,
          page: int | None = None, hint: str | None = None, exit_code: int = 2) -> None:
    if ui.json:
        ui.emit(error_envelope(ui.verb, message, code=code, file=file, line=line, page=page, hint=hint, exit_code=exit_code))
    else:
        click.echo(text, err=True)
    sys.exit(exit_code)


def emit_usage_error(group: click.Group, args: list[str], message: str) -> None:
    """A click usage error under ``--json``: the envelope with exit code 2 on stdout."""
    words = [a for a in args if not a.startswith("-")]
    verb = ""
    cmd: Any = group
    for w in words:
        sub = cmd.commands.get(w) if isinstance(cmd, click.Group) else None
        if sub is None:
            break
        verb = f"{verb} {w}".strip()
        cmd = sub
    click.echo(json.dumps(error_envelope(verb or "dossier", message, code="E-USAGE",
                                         hint="运行 dossier --help 查看用法。"), ensure_ascii=False, indent=2))
