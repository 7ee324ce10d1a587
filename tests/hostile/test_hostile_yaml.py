"""Hostile enterprise.yaml: every one ends in findings (exit 0/1) or a Chinese refusal naming the
file (exit 2) — never a traceback, never a report written for a refused input."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from conftest import dump_yaml, valid_application, write_project
from hostile.hostile_util import assert_refused, files_under, run_cli, tally
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.check import check_project
from dossier.util.errors import InputError

TODAY = dt.date(2025, 10, 15)


def _bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _valid_text() -> str:
    return dump_yaml(valid_application())


# name → (bytes of enterprise.yaml, words the message must contain)
REFUSED = {
    "alias_bomb": (lambda: _bomb().encode(), ("别名",)),
    "alias_in_valid_file": (lambda: _valid_text().replace("  contact:\n", "  contact: &c\n", 1).replace("programme: wuhan-2025\n", "programme: wuhan-2025\nextra: *c\n", 1).encode(), ("别名",)),
    "ten_megabytes": (lambda: ((_valid_text() + "# " + "填充" * 10 + "\n") * (10 * 1024 * 1024 // len(_valid_text().encode()))).encode(), ("过大",)),
    "gbk": (lambda: _valid_text().encode("gbk"), ("GBK",)),
    "gb18030_comment_only": (lambda: ("# 企业申报资料\n" + _valid_text()).encode("gb18030"), ("GBK",)),
    "utf16": (lambda: _valid_text().encode("utf-16"), ("UTF-16",)),
    "binary_garbage": (lambda: bytes(range(256)) * 40, ("UTF-8",)),
    "nul_bytes": (lambda: _valid_text().replace("programme:", "pro\x00gramme:", 1).encode(), ()),
    "deep_nesting": (lambda: b"a: " + b"[" * 50_000 + b"]" * 50_000 + b"\n", ("嵌套",)),
    "deep_mapping": (lambda: "".join(" " * i + f"k{i}:\n" for i in range(3000)).encode(), ()),
    "tab_indent": (lambda: _valid_text().replace("\n  name:", "\n\tname:", 1).encode(), ("Tab",)),
    "duplicate_key": (lambda: (_valid_text() + "type: process\n").encode(), ("重复",)),
    "top_level_list": (lambda: b"- a\n- b\n", ("映射",)),
    "top_level_scalar": (lambda: b"just text\n", ("映射",)),
    "unclosed_quote": (lambda: _valid_text().replace("name: 武汉光芯测试科技有限公司", 'name: "武汉光芯', 1).encode(), ("YAML",)),
    "deep_block_sequence": (lambda: ("a:\n" + "".join(" " * i + "-\n" for i in range(1, 1500)) + " " * 1500 + "x\n").encode(), ("嵌套",)),
    "python_tag": (lambda: b"programme: !!python/object/apply:os.system ['echo PWNED > pwned.txt']\n", ()),
    "document_stream": (lambda: (_valid_text() + "---\n" + _valid_text()).encode(), ()),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_hostile_yaml_is_refused_in_chinese(tmp_path, case):
    make, words = REFUSED[case]
    root = tmp_path / "proj"
    root.mkdir()
    (root / "enterprise.yaml").write_bytes(make())
    before = (root / "enterprise.yaml").read_bytes()
    res = run_cli("check", root)  # with the HTML report on: a refused input must not get one
    tally("yaml")
    if case == "python_tag":
        assert not (root / "pwned.txt").exists() and not (tmp_path / "pwned.txt").exists()
        assert res.returncode in (1, 2) and "Traceback" not in res.stdout + res.stderr and "内部错误" not in res.stderr
        return
    assert_refused(res, "enterprise.yaml", *words)
    assert files_under(root / "build") == []
    assert (root / "enterprise.yaml").read_bytes() == before


def test_windows_edited_yaml_reads_like_the_original(project):
    """CRLF line ends and a UTF-8 BOM (Notepad) give exactly the findings of the LF original."""
    root = project()
    plain = check_project(root, media=False, today=TODAY)
    text = (root / "enterprise.yaml").read_text("utf-8")
    (root / "enterprise.yaml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    windows = check_project(root, media=False, today=TODAY)
    tally("yaml")
    assert [f.to_dict() for f in windows.findings] == [f.to_dict() for f in plain.findings]
    assert windows.exit_code == 0


@pytest.mark.parametrize("value", ["1e30", "-1E+40", "1E-30", "99999999999999999999999999999", "9" * 6000])
def test_absurd_amounts_are_findings_with_their_line(project, value):
    def bend(d):
        d["investments"][0]["amount_wan"] = value
    root = project(bend)
    result = check_project(root, media=False, today=TODAY)
    tally("yaml")
    bad = [f for f in result.findings if "investments[0].amount_wan" in f.message]
    assert bad and bad[0].severity == "error" and bad[0].line, [f.message for f in result.findings]
    assert ("过大" in bad[0].message) or ("过小" in bad[0].message)


def test_absurd_counts_and_tiny_baselines_are_findings(project):
    def bend(d):
        d["enterprise"]["employees"] = 10**40
        d["indicators"][0]["baseline"] = "1E-30"
    result = check_project(project(bend), media=False, today=TODAY)
    tally("yaml")
    messages = " ".join(f.message for f in result.findings)
    assert "enterprise.employees" in messages and "indicators[0].baseline" in messages


EXTENDS = {
    "cycle": ({"a.yaml": "extends: enterprise.yaml\n"}, "extends: a.yaml\n", "循环"),
    "absolute": ({}, "extends: /etc/passwd.yaml\n", "绝对路径"),
    "drive": ({}, "extends: C:\\company.yaml\n", "绝对路径"),
    "missing": ({}, "extends: 没有.yaml\n", "找不到"),
    "not_yaml": ({"a.txt": "x"}, "extends: a.txt\n", ".yaml"),
    "gbk_base": ({"公司.yaml": "企业: 甲\n".encode("gbk")}, "extends: 公司.yaml\n", "GBK"),
    "alias_in_base": ({"公司.yaml": "a: &x [1, 2]\nb: *x\n"}, "extends: 公司.yaml\n", "别名"),
    "too_deep": ({f"{i}.yaml": f"extends: {i + 1}.yaml\n" for i in range(8)}, "extends: 0.yaml\n", "层级"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(EXTENDS))
def test_hostile_extends_is_refused(tmp_path, case):
    files, own, word = EXTENDS[case]
    root = tmp_path / "proj"
    root.mkdir()
    for name, body in files.items():
        (root / name).write_bytes(body if isinstance(body, bytes) else body.encode())
    (root / "enterprise.yaml").write_text(own, "utf-8")
    res = run_cli("check", root, "--no-report")
    tally("yaml")
    assert_refused(res, ".yaml", word)


@pytest.mark.slow
def test_enterprise_yaml_that_is_a_folder_or_device(tmp_path):
    for i, make in enumerate((lambda p: p.mkdir(), lambda p: p.symlink_to("/dev/zero"))):
        root = tmp_path / f"p{i}"
        root.mkdir()
        make(root / "enterprise.yaml")
        tally("yaml")
        assert_refused(run_cli("check", root, "--no-report"), "enterprise.yaml", "找不到")


# ---------------------------------------------------------------- random edits never crash check

_PAYLOADS = [":", "- ", "&a ", "*a", "!!binary ", "!!python/name:os.system", "{", "[", "}", "]", "'", '"', "\t", "#",
             "%YAML 1.1", "---", "...", "? ", "<<: ", "|", ">", "~", "1e400", ".nan", "0x1F", "2025-02-30", "9" * 40,
             "\x00", "\x85", "\u2028", "\ufeff", "中文", "\\", "evidence/../../x.pdf", "/etc/passwd"]


def _check_survives(root) -> None:
    try:
        check_project(root, media=False, today=TODAY)
    except InputError as exc:
        text = exc.render()
        assert exc.file and exc.file in text and any("\u4e00" <= c <= "\u9fff" for c in text), text


@pytest.mark.slow
@settings(settings.get_profile("hostile"), max_examples=150)
@given(edits=st.lists(st.tuples(st.integers(0, 5), st.floats(0, 1), st.sampled_from(_PAYLOADS)), min_size=1, max_size=5))
def test_random_text_edits_never_crash_check(tmp_path, edits):
    root = tmp_path / "proj"
    if not root.exists():
        write_project(root, valid_application())
    lines = _valid_text().split("\n")
    for op, where, payload in edits:
        i = min(len(lines) - 1, int(where * len(lines)))
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[(i * 7) % len(lines)])
        elif op == 2:
            cut = int(where * len(lines[i]))
            lines[i] = lines[i][:cut] + payload + lines[i][cut:]
        elif op == 3:
            lines[i] = " " * (i % 5) + lines[i].lstrip()
        elif op == 4 and ":" in lines[i]:
            lines[i] = lines[i].split(":")[0] + ": " + payload
        else:
            lines = lines[: max(1, i)]
        if not lines:
            lines = [""]
    (root / "enterprise.yaml").write_text("\n".join(lines), "utf-8")
    tally("yaml")
    _check_survives(root)


_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40), st.text(max_size=30),
    st.decimals(allow_nan=False, allow_infinity=False).map(str), st.dates(), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2), st.sampled_from(_PAYLOADS),
)


def _leaves(d, path=()):
    if isinstance(d, dict):
        for k, v in d.items():
            yield path + (k,)
            yield from _leaves(v, path + (k,))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield path + (i,)
            yield from _leaves(v, path + (i,))


_PATHS = list(_leaves(valid_application()))


@pytest.mark.slow
@settings(settings.get_profile("hostile"), max_examples=150)
@given(changes=st.lists(st.tuples(st.sampled_from(_PATHS), _LEAF), min_size=1, max_size=4))
def test_random_values_never_crash_check(tmp_path, changes):
    root = tmp_path / "proj"
    if not root.exists():
        write_project(root, valid_application())
    data = valid_application()
    for path, value in changes:
        node = data
        try:
            for p in path[:-1]:
                node = node[p]
            node[path[-1]] = copy.deepcopy(value)
        except (KeyError, IndexError, TypeError):
            continue
    (root / "enterprise.yaml").write_text(dump_yaml(data), "utf-8")
    tally("yaml")
    _check_survives(root)
