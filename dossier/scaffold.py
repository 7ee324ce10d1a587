"""``dossier init``: a project folder with an ``enterprise.yaml`` whose Chinese comments explain
each field and the rule behind it. The template is ``templates/init/enterprise.yaml.j2`` (:mod:`dossier.util.resources`); field
lists that depend on the type (core indicators, equipment counts) come from the catalogues."""

from __future__ import annotations

from pathlib import Path

import jinja2

from dossier.application.figures import Readings
from dossier.application.load import FILENAME
from dossier.application.programme import DEFAULT_PROGRAMME, load_programme
from dossier.util import atomic
from dossier.util.errors import InputError



def scaffold_text(mtype: str, programme_id: str = DEFAULT_PROGRAMME) -> str:
    from dossier.util.resources import resource

    programme = load_programme(programme_id)
    template = resource("templates", "init", "enterprise.yaml.j2")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template.parent), undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    readings = programme.readings
    core = [e for e in programme.indicators if mtype in e.get("core", [])]
    return env.get_template("enterprise.yaml.j2").render(
        programme=programme,
        mtype=mtype,
        reading=Readings(readings["amount_basis"], readings["window_date"]).describe(),
        industries="、".join(programme.industries.find(k).label for k in programme.raw["key_industries"]),
        categories="、".join(programme.investment_categories.labels()),
        system_types="、".join(programme.system_types.keys()),
        core_indicators=[e.label for e in core],
        indicators=core,
        counts=[e for e in programme.equipment_counts if mtype in e.get("types", [])],
        kpi_attachment=programme.attachment_of("kpi_selftest", mtype),
        scenario_attachment=programme.attachment_of("scenario_selftest", mtype),
        equipment_attachment=programme.attachment_of("equipment_indicators", mtype),
    )


def init_project(directory: str | Path, mtype: str, programme_id: str = DEFAULT_PROGRAMME) -> Path:
    """Create ``directory`` with ``enterprise.yaml``, ``evidence/`` and ``media/``.

    Refuses to overwrite an existing ``enterprise.yaml`` (a user's work is never replaced).
    """
    directory = Path(directory)
    target = directory / FILENAME
    if target.exists():
        raise InputError("文件已存在，不会覆盖", file=str(target), hint="换一个文件夹，或先把已有的 enterprise.yaml 改名备份。")
    text = scaffold_text(mtype, programme_id)
    directory.mkdir(parents=True, exist_ok=True)
    for sub in ("evidence", "media"):
        (directory / sub).mkdir(exist_ok=True)
    atomic.write_text(target, text)
    return target
