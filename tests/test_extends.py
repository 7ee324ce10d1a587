"""A project may extend a shared company profile, overriding it field by field."""

from __future__ import annotations

from conftest import dump_yaml, tiny_pdf, valid_application
from dossier.application.load import load_project
from dossier.check import check_project


def _split(tmp_path):
    data = valid_application()
    company = {"enterprise": data.pop("enterprise"), "operations": data.pop("operations")}
    company["investments"] = []  # replaced whole by the project's list
    company_dir = tmp_path / "公司资料"
    company_dir.mkdir()
    (company_dir / "company.yaml").write_text(dump_yaml(company), encoding="utf-8")
    proj = tmp_path / "2025申报"
    proj.mkdir()
    data["extends"] = "../公司资料/company.yaml"
    data["enterprise"] = {"contact": {"mobile": "13900000000"}}
    for row in data["investments"]:
        for files in row["evidence"].values():
            for f in files:
                tiny_pdf(proj / f)
    for item in data["indicators"] + data["scenarios"]:  # the self-tests' 证明材料
        for f in item.get("evidence", []):
            tiny_pdf(proj / f)
    (proj / "enterprise.yaml").write_text(dump_yaml(data), encoding="utf-8")
    return proj, company_dir


def test_values_merge_field_by_field(tmp_path):
    proj, _ = _split(tmp_path)
    p = load_project(proj)
    assert p.app is not None, p.findings
    assert p.app.enterprise.name == "武汉光芯测试科技有限公司"  # from the company file
    assert p.app.enterprise.contact.mobile == "13900000000"  # overridden
    assert p.app.enterprise.contact.name == "李娜"  # sibling kept
    assert len(p.app.investments) == 3


def test_findings_name_the_file_that_holds_the_value(tmp_path):
    proj, company_dir = _split(tmp_path)
    text = (company_dir / "company.yaml").read_text(encoding="utf-8").replace("东湖高新区", "朝阳区")
    (company_dir / "company.yaml").write_text(text, encoding="utf-8")
    result = check_project(proj, media=False)
    (f,) = [f for f in result.findings if f.code == "E-DISTRICT"]
    assert f.file == "../公司资料/company.yaml"
    assert "朝阳区" in text.splitlines()[f.line - 1]


def test_relative_paths_resolve_against_the_declaring_file(tmp_path):
    proj, company_dir = _split(tmp_path)
    # A scenario evidence file declared in the company profile lives beside it.
    tiny_pdf(company_dir / "evidence" / "资质.pdf")
    text = (company_dir / "company.yaml").read_text(encoding="utf-8")
    text += "scenarios:\n- code: SC09\n  implemented: 是\n  systems: [SYS-MES]\n  indicators: [productivity]\n  evidence: [evidence/资质.pdf]\n"
    (company_dir / "company.yaml").write_text(text, encoding="utf-8")
    data_text = (proj / "enterprise.yaml").read_text(encoding="utf-8")
    # drop the project's own scenarios so the company's are used
    import re

    data_text = re.sub(r"(?ms)^scenarios:.*?(?=^\w)", "", data_text)
    (proj / "enterprise.yaml").write_text(data_text, encoding="utf-8")
    result = check_project(proj, media=False)
    assert not [f for f in result.findings if f.code.startswith("I-EVIDENCE")], result.findings


def test_extends_cycle_is_refused(tmp_path):
    import pytest

    from dossier.util.errors import InputError

    (tmp_path / "a.yaml").write_text("extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n", encoding="utf-8")
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "enterprise.yaml").write_text("extends: ../a.yaml\n", encoding="utf-8")
    with pytest.raises(InputError, match="循环"):
        load_project(proj)


def test_a_remembered_load_follows_an_edit_of_the_extended_file(tmp_path, monkeypatch):
    # load_project remembers a load in the user cache, keyed by enterprise.yaml; an edit of the
    # company file alone must still be seen, and the project folder moved elsewhere too.
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "cache"))
    proj, company_dir = _split(tmp_path)
    assert load_project(proj).app.enterprise.name == "武汉光芯测试科技有限公司"
    assert list((tmp_path / "cache" / "project").iterdir())  # remembered
    company = company_dir / "company.yaml"
    company.write_text(company.read_text(encoding="utf-8").replace("武汉光芯测试科技有限公司", "武汉另一家有限公司"), encoding="utf-8")
    again = load_project(proj)
    assert again.app.enterprise.name == "武汉另一家有限公司"
    assert again.lines.file(("enterprise", "name")) == "../公司资料/company.yaml"
    assert load_project(proj).app.enterprise.name == "武汉另一家有限公司"  # and remembered in turn
    moved = tmp_path / "搬走" / "2025申报"
    moved.parent.mkdir()
    (tmp_path / "公司资料").rename(tmp_path / "搬走" / "公司资料")
    proj.rename(moved)
    assert load_project(moved).lines.folder(("enterprise", "name"), moved) == (tmp_path / "搬走" / "公司资料")
