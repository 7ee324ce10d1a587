"""Command line: parses arguments and calls the library. No logic of its own lives here.

Exit codes shared by every verb: 0 all well (warnings allowed), 1 the input has errors
(findings of severity error), 2 the input is unusable (:class:`dossier.errors.DossierError`).
Each verb lives in its own module below and registers itself on :data:`main`.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from dossier import __version__
from dossier.errors import DossierError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dossier")
def main() -> None:
    """dossier：武汉标杆智能工厂遴选申报材料组装工具。"""
    import logging

    # qpdf's English repair notes ("Pages tree includes …"): dossier reports repairs itself, in Chinese.
    logging.getLogger("pikepdf").setLevel(logging.CRITICAL)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a :class:`DossierError` into a Chinese message on stderr and exit code 2.

    Anything else is a bug; it is still reported in Chinese without a traceback unless
    ``DOSSIER_DEBUG`` is set.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import os

        from dossier.interrupt import Terminated, raise_on_sigterm

        raise_on_sigterm()
        try:
            return func(*args, **kwargs)
        except DossierError as exc:
            click.echo(f"错误：{exc.render()}", err=True)
            sys.exit(2)
        except KeyboardInterrupt as exc:
            click.echo("已中断，未写入任何不完整的文件。", err=True)
            sys.exit(143 if isinstance(exc, Terminated) else 130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except OSError as exc:
            # The machine, not the input: a full disk, no permission, a file open in another program
            # (Windows), an output folder that is a file. Not a bug; say which file and why.
            if os.environ.get("DOSSIER_DEBUG"):
                raise
            from dossier.errors import os_error

            click.echo(f"错误：{os_error(exc).render()}", err=True)
            sys.exit(2)
        except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
            if os.environ.get("DOSSIER_DEBUG"):
                raise
            click.echo(
                f"内部错误：{type(exc).__name__}: {exc}\n"
                "  这是 dossier 的缺陷，请设置环境变量 DOSSIER_DEBUG=1 重新运行，并把输出报告给维护者。",
                err=True,
            )
            sys.exit(2)

    return wrapper


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
