"""Command line: parses arguments and calls the library. No logic of its own lives here.

Exit codes shared by every verb: 0 all well (warnings allowed), 1 the input has errors
(findings of severity error), 2 the input is unusable (:class:`dossier.util.errors.DossierError`).
Each verb lives in its own module below and registers itself on :data:`main`, taking the shared
conventions from :mod:`dossier.cli.common` (options, JSON envelope, findings printer) and click's
Chinese from :mod:`dossier.cli.i18n`.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys

_exit_status: int | None = None  # set by run() when the verb failed or was interrupted


def _exit_without_teardown() -> None:
    """The last exit function (registered first): after a failure or an interruption of :func:`run`,
    end the process without the interpreter's teardown.

    Non-daemon threads have been joined and the other exit functions have run by now. What the
    teardown would still do is end the daemon threads, each as it next wants the GIL, by unwinding
    it out of whatever C it called (pthread_exit). After a build was interrupted, a daemon thread
    could be inside pikepdf's C++ then (an early conversion's PDF being checked or post-processed),
    and the unwinding aborted the process: "FATAL: exception not rethrown" or "terminate called
    without an active exception", exit -6, seen in builds interrupted at random moments."""
    if _exit_status is None:
        return
    # What the interrupted run dropped in reference cycles is finalised now, while everything still
    # works: a context manager entered just as Ctrl-C came, whose exit was never registered, removes
    # its temporary folder when its generator is collected. (gc.freeze, an exit function that ran
    # before this one, put every object out of the collector's reach.)
    gc.unfreeze()
    gc.collect()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(_exit_status)


atexit.register(_exit_without_teardown)

import click  # noqa: E402 - after the registration above, which must come first

from dossier import __version__


from dossier.cli import i18n

i18n.install()

# Registered as the CLI is imported, before any module a verb imports, so it runs after their exit
# functions (cache writes): the garbage collections of the interpreter's teardown then walk none of
# the objects the run made (after a build they took ~0.2 s, a tenth of a rebuild). The objects are
# still freed as the modules go.
atexit.register(gc.freeze)


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
@click.pass_context
def main(ctx: click.Context) -> None:
    """dossier：武汉标杆智能工厂遴选申报材料组装工具。

    每个命令都接受 --json、-q/--quiet、-v/--verbose 和 --color；项目文件夹默认为当前文件夹。
    命令补全：bash 用户在 ~/.bashrc 中加入 eval "$(_DOSSIER_COMPLETE=bash_source dossier)"
    （zsh、fish 见 README）。
    """
    if ctx.invoked_subcommand != "check":  # check silences them where it opens a PDF
        from dossier.util import pdf_notes

        pdf_notes.silence()


# Each verb lives in the module named here and registers itself on `main` when that module is
# imported. A run imports only its verb's module (`dossier check` does not pay for importing what
# `build`, `scan` or `watch` need); listing the verbs (help, completion) imports them all.
VERBS = {
    "init": "project", "check": "project", "bind": "bind", "media": "media", "scan": "scan", "batch": "batch",
    "build": "build", "templates": "templates", "package": "package", "import": "imports", "export": "imports",
    "cache": "cache", "deck": "deck", "site": "site", "district": "district", "watch": "watch",
}


class _Verbs(dict):
    """``main.commands``: a verb's module is imported when the verb is first looked up; iterating
    (or counting) the verbs imports every module, in the order of :data:`VERBS`."""

    def _one(self, name: object) -> None:
        module = VERBS.get(name) if isinstance(name, str) else None
        if module is not None and not dict.__contains__(self, name):
            import importlib

            importlib.import_module(f"dossier.cli.{module}")

    def _all(self) -> None:
        for name in VERBS:
            self._one(name)

    def get(self, name, default=None):  # noqa: ANN001, ANN201 - dict's signature
        self._one(name)
        return super().get(name, default)

    def __getitem__(self, name):  # noqa: ANN001, ANN204
        self._one(name)
        return super().__getitem__(name)

    def __contains__(self, name) -> bool:  # noqa: ANN001
        self._one(name)
        return super().__contains__(name)

    def __iter__(self):  # noqa: ANN204
        self._all()
        return super().__iter__()

    def __len__(self) -> int:
        self._all()
        return super().__len__()

    def keys(self):  # noqa: ANN201
        self._all()
        return super().keys()

    def values(self):  # noqa: ANN201
        self._all()
        return super().values()

    def items(self):  # noqa: ANN201
        self._all()
        return super().items()


main.commands = _Verbs(main.commands)


def run() -> None:
    """The ``dossier`` command and ``python -m dossier``: :data:`main`, whose process ends without the
    interpreter's teardown when the verb failed or was interrupted (:func:`_exit_without_teardown`).
    Tests call :data:`main` in-process (click's CliRunner), which leaves their process alone."""
    global _exit_status
    try:
        main()
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if status != 0:
            _exit_status = status
        raise
