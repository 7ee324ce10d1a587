"""click in Chinese: its own messages translated, and help laid out for double-width characters.

click marks every sentence it prints with ``gettext`` (``_("Usage:")``, ``ngettext(...)``), bound
per module at import time. :func:`install` rebinds those names in click's modules to a lookup in
:data:`MESSAGES`, so usage lines, headings, ``--help`` texts and error messages come out in Chinese
whatever the locale. A sentence missing from the table falls through unchanged (English), which
``tests/test_cli_chinese.py`` catches by running every verb's ``--help`` and the common errors.

:class:`Formatter` measures text by display width (a 汉字 takes two columns) and wraps Chinese
sentences between characters instead of only at spaces, so option help stays aligned in an
80-column terminal.
"""

from __future__ import annotations

import re
import unicodedata

import click
import click.formatting

MESSAGES: dict[str, str] = {
    # help layout
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s %(version)s",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    # errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Aborted!": "已中止。",
    "Missing command.": "缺少子命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项“{name}”。",
    "No such command {name!r}.": "没有命令“{name}”。",
    "Did you mean {possibility}?": "是否想写 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想写其中之一：{possibilities}？）",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "Option {name!r} requires an argument.": "选项“{name}”后面要跟一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项“{name}”后面要跟 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项“{name}”不带值。",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”要 {nargs} 个值。",
    "{value!r} is not {choice}.": "“{value}”不是 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不在可选值 {choices} 之中。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 之内。",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件，这里需要文件夹。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是文件夹，这里需要文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”不可读。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”不可写。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不可执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "unknown error": "未知错误",
    "Value must be an iterable.": "取值必须是列表。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
}

# Type names click prints in metavars and "is not a valid integer" messages.
TYPE_NAMES = {
    "integer": "整数", "float": "数字", "text": "文字", "boolean": "是/否", "path": "路径", "directory": "文件夹",
    "file": "文件", "integer range": "整数", "float range": "数字", "choice": "选项", "filename": "文件",
}
METAVARS = {
    "TEXT": "文字", "INTEGER": "整数", "FLOAT": "数字", "PATH": "路径", "DIRECTORY": "文件夹", "FILE": "文件",
    "FILENAME": "文件", "INTEGER RANGE": "整数", "FLOAT RANGE": "数字", "BOOLEAN": "是/否",
}


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def polish(message: str) -> str:
    """click's punctuation in a Chinese sentence: ``'x'`` → “x”, a final ``.`` → 。"""
    text = re.sub(r"'([^']*)'", r"“\1”", message)
    # Only a dot that ends a sentence: the one in a file name (合同.pdf) stays.
    text = re.sub(r"(?<=[\u2e80-\uffef”])(?<!\.)\.(?=\s|$)\s*", "。", text)
    text = text.replace("。 ", "。").replace("？)", "？）")
    return text


def show_error(exc: click.ClickException) -> None:
    """A click error on stderr: usage, a hint where to get help, then the translated message."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        exc.show()  # a group run without a verb: its help, as click does
        return
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        if ctx.command.get_help_option(ctx) is not None:
            names = ctx.help_option_names
            click.echo(gettext("Try '{command} {option}' for help.").format(command=ctx.command_path, option=names[-1]), err=True)
        click.echo("", err=True)
    click.echo(gettext("Error: {message}").format(message=polish(exc.format_message())), err=True)


_installed = False


def install() -> None:
    """Rebind click's ``_`` and ``ngettext`` to the Chinese table (idempotent)."""
    global _installed
    if _installed:
        return
    import importlib

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils", "shell_completion"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    _patch_types()
    _installed = True


def _patch_types() -> None:
    """Numbers and paths: click interpolates ``self.name`` (English) into messages and metavars."""
    original_metavar = click.core.Parameter.make_metavar

    def make_metavar(self, ctx):  # noqa: ANN001 - click's signature
        text = original_metavar(self, ctx)
        bare = text.strip("[].")
        if bare in METAVARS:
            text = text.replace(bare, METAVARS[bare])
        return text

    click.core.Parameter.make_metavar = make_metavar
    for cls in (click.types.IntParamType, click.types.FloatParamType, click.types.IntRange, click.types.FloatRange,
                click.types.StringParamType, click.types.BoolParamType):
        cls.name = TYPE_NAMES.get(cls.name, cls.name)
    # click.Path computes "file"/"directory"/"path" with _() at call time: translated above.


# ---------------------------------------------------------------- layout by display width

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Characters a Chinese line must not start with (行首禁则).
_NO_LINE_START = set("，。、；：？！）》」』】〕…—,.;:?!)]}%”")
# Characters a line must not end with (行尾禁则): kept with what follows.
_NO_LINE_END = set("（《「『【〔“([{")


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide and full-width characters take two."""
    text = _ANSI.sub("", text)
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _tokens(text: str) -> list[str]:
    """Words, spaces, and single wide characters (with following closing punctuation kept attached)."""
    raw = re.findall(r"\s+|[^\s\u2e80-\uffef]+|[\u2e80-\uffef]", text)
    out: list[str] = []
    for tok in raw:
        if out and tok and not out[-1].isspace() and (tok[0] in _NO_LINE_START or out[-1][-1] in _NO_LINE_END):
            out[-1] += tok
        else:
            out.append(tok)
    return out


def _is_wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in ("W", "F")


def unfold(text: str) -> str:
    """Join the lines of a paragraph: with a space between words, with nothing between 汉字."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    out = ""
    for ln in lines:
        if out and not (_is_wide(out[-1]) or _is_wide(ln[0])):
            out += " "
        out += ln
    return " ".join(out.split(" "))


def wrap(text: str, columns: int, indent: str = "", subsequent: str = "") -> list[str]:
    """Greedy wrap of one paragraph by display width, breaking between Chinese characters too."""
    columns = max(columns, 10)
    lines: list[str] = []
    line, used = indent, width(indent)
    for tok in _tokens(unfold(text)):
        w = width(tok)
        if tok.isspace():
            if used > width(indent if not lines else subsequent):
                line, used = line + " ", used + 1
            continue
        if used + w > columns and line.strip():
            lines.append(line.rstrip())
            line, used = subsequent, width(subsequent)
        line, used = line + tok, used + w
    if line.strip():
        lines.append(line.rstrip())
    return lines or [indent.rstrip()]


def wrap_paragraphs(text: str, columns: int, indent: str = "") -> str:
    """Paragraphs separated by blank lines; a paragraph starting with ``\\b`` is kept as written."""
    out = []
    for para in re.split(r"\n\s*\n", text.strip("\n")):
        if para.startswith("\b"):
            out.append("\n".join(indent + ln for ln in para[1:].strip("\n").splitlines()))
        else:
            out.append("\n".join(wrap(para, columns, indent, indent)))
    return "\n\n".join(out)


class Formatter(click.HelpFormatter):
    """click's help formatter, measuring by display width and wrapping Chinese between characters."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else gettext("Usage:"))

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        self.write(wrap_paragraphs(text, self.width, " " * self.current_indent))
        self.write("\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:  # noqa: ANN001 - click's signature
        rows = list(rows)
        first_width = min(max((width(a) for a, _ in rows), default=0), col_max)
        first_col = first_width + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_width:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - self.current_indent, 20)
            lines = wrap_paragraphs(second, text_width).splitlines()
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n" if line else "\n")


class Context(click.Context):
    formatter_class = Formatter


def short_help(help_text: str | None) -> str:
    """The first sentence of a verb's help, for the list of commands (click cuts at 45 characters and ". ")."""
    first = unfold((help_text or "").split("\n\n")[0])
    return first.split("。")[0]


class Command(click.Command):
    context_class = Context

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or short_help(self.help)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - click's signature
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class Group(click.Group):
    context_class = Context
    command_class = Command

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or short_help(self.help)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - click's signature
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


Group.group_class = Group
