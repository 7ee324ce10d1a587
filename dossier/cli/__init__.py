"""Command line: parses arguments and calls the library. No logic of its own lives here.

Exit codes shared by every verb: 0 all well (warnings allowed), 1 the input has errors
(findings of severity error), 2 the input is unusable (:class:`dossier.util.errors.DossierError`).
Each verb lives in its own module below and registers itself on :data:`main`, taking the shared
conventions from :mod:`dossier.cli.common` (options, JSON envelope, findings printer) and click's
Chinese from :mod:`dossier.cli.i18n`.
"""

from __future__ import annotations

import sys

import click

from dossier import __version__


from dossier.cli import i18n

i18n.install()


class DossierGroup(i18n.Group):
    """The top-level group: click's own errors (unknown option, missing argument) in Chinese, and as
    a JSON envelope on stdout when ``--json`` was asked for."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # noqa: ANN001
        args = list(sys.argv[1:] if args is None else args)
        try:
            _refuse_undecodable(args)
            rv = super().main(args, prog_name or "dossier", complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            if "--json" in args:
                from dossier.cli.common import emit_usage_error

                missing = isinstance(exc, click.exceptions.NoArgsIsHelpError)
                emit_usage_error(self, args, i18n.gettext("Missing command.") if missing else i18n.polish(exc.format_message()))
            else:
                i18n.show_error(exc)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo(i18n.gettext("Aborted!"), err=True)
            sys.exit(1)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


def _refuse_undecodable(args: list[str]) -> None:
    """A path argument that is not UTF-8 would reach pikepdf and JSON and fail there: name it now."""
    from dossier.util.filenames import is_undecodable, rename_advice

    bad = [a for a in args if is_undecodable(a)]
    if bad:
        raise click.UsageError(rename_advice(bad))


@click.group(name="dossier", cls=DossierGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="dossier")
def main() -> None:
    """dossier：武汉标杆智能工厂遴选申报材料组装工具。

    每个命令都接受 --json、-q/--quiet、-v/--verbose 和 --color；项目文件夹默认为当前文件夹。
    命令补全：bash 用户在 ~/.bashrc 中加入 eval "$(_DOSSIER_COMPLETE=bash_source dossier)"
    （zsh、fish 见 README）。
    """
    import logging

    # qpdf's and pypdf's English repair notes ("Pages tree includes …", "EOF marker not found"):
    # dossier reports an unusable or repaired file itself, in Chinese.
    logging.getLogger("pikepdf").setLevel(logging.CRITICAL)
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)


# Verbs register themselves on `main` when imported.
from dossier.cli import project as _project  # noqa: E402,F401
from dossier.cli import bind as _bind  # noqa: E402,F401
from dossier.cli import media as _media  # noqa: E402,F401
from dossier.cli import scan as _scan  # noqa: E402,F401
from dossier.cli import batch as _batch  # noqa: E402,F401
from dossier.cli import build as _build  # noqa: E402,F401
from dossier.cli import templates as _templates  # noqa: E402,F401
from dossier.cli import package as _package  # noqa: E402,F401
from dossier.cli import imports as _imports  # noqa: E402,F401
from dossier.cli import cache as _cache  # noqa: E402,F401
from dossier.cli import deck as _deck  # noqa: E402,F401
from dossier.cli import site as _site  # noqa: E402,F401
from dossier.cli import district as _district  # noqa: E402,F401
from dossier.cli import watch as _watch  # noqa: E402,F401
