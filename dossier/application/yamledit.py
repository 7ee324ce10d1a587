"""Merge imported rows into ``enterprise.yaml`` without touching anything else in it.

ruamel's round-trip mode keeps comments, key order, quotes and flow style, but not every byte (the
column of a comment after a flow map, for one). So the new text is spliced: the file dumped as
loaded is compared line by line with the file dumped after the merge, and only the lines the
merge changed are taken from ruamel; every other line is copied from the user's file as it was.
A file whose unchanged dump does not even line up with it (another line count) is refused rather
than reformatted. Rows are matched by
``id`` first, then by a caller-given key (发票号码, 合同编号 …); a value already equal is not
set again, so a second import of the same data leaves the file byte-identical.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from dossier.util.atomic import write_text
from dossier.util.errors import InputError

_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (2, 4, 0))


def _yaml(indent: tuple[int, int, int]):
    from ruamel.yaml import YAML

    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    y.representer.add_representer(Decimal, _decimal)
    y.representer.add_representer(type(None), lambda r, _v: r.represent_scalar("tag:yaml.org,2002:null", ""))
    y.representer.ignore_aliases = lambda _data: True  # the loader refuses aliases; equal values are written twice
    return y


def _decimal(representer, value: Decimal):
    text = f"{value.normalize():f}"
    return representer.represent_scalar("tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int", text)


@dataclass
class Document:
    path: Path
    text: str
    data: Any
    yaml: Any
    baseline: str  # the data dumped as loaded: same line count as ``text``

    @classmethod
    def open(cls, path: Path) -> Document:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"无法读取（{type(exc).__name__}）。", file=str(path)) from None
        from ruamel.yaml.error import YAMLError

        best = None
        for indent in _INDENTS:
            y = _yaml(indent)
            try:
                data = y.load(text)
            except YAMLError as exc:
                raise InputError(f"YAML 格式有误，无法写入（{str(exc).splitlines()[0]}）。", file=str(path),
                                 hint="先运行 dossier check 修正格式。") from None
            if data is None:
                from ruamel.yaml.comments import CommentedMap

                data = CommentedMap()
            if not text.strip():
                return cls(path, text, data, y, "")
            dumped = _dump(y, data)
            if dumped == text:
                return cls(path, text, data, y, dumped)
            a, b = text.splitlines(keepends=True), dumped.splitlines(keepends=True)
            if len(a) == len(b):
                differing = sum(1 for x, z in zip(a, b) if x != z)
                if best is None or differing < best[0]:
                    best = (differing, cls(path, text, data, y, dumped))
        if best is not None:
            return best[1]
        raise InputError(
            "这个文件的排版（缩进、换行）无法原样保留，为免改动您的其他内容，未写入。",
            file=str(path), hint="去掉 --write 只打印导入结果，再手工粘贴到文件中。",
        )

    def rendered(self) -> str:
        """The merged file: the user's lines wherever the merge did not change the dump."""
        import difflib

        merged = _dump(self.yaml, self.data)
        if self.baseline == self.text or not self.text.strip():
            return merged
        original = self.text.splitlines(keepends=True)
        before = self.baseline.splitlines(keepends=True)
        after = merged.splitlines(keepends=True)
        out: list[str] = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
            out.extend(original[i1:i2] if op == "equal" else after[j1:j2])
        return "".join(out)

    def save(self) -> bool:
        """Write atomically when something changed; True when it did."""
        out = self.rendered()
        if out == self.text:
            return False
        write_text(self.path, out)
        self.text = out
        return True


def _dump(y, data) -> str:
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


@dataclass
class MergeResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, dict)) and not value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(b, Decimal) and a is not None and not isinstance(a, (bool, list, dict)):
        try:
            return Decimal(str(a)) == b
        except ArithmeticError:
            return False
    if isinstance(b, dt.date) and isinstance(a, dt.date):
        return a == b
    return a == b or str(a) == str(b)


def is_placeholder(row: Any) -> bool:
    """The scaffold's example row: every scalar empty (``second_hand: false`` and the like aside)."""
    if not isinstance(row, dict):
        return False
    for key, value in row.items():
        if key == "id" or isinstance(value, bool):
            continue
        if isinstance(value, dict):
            if not is_placeholder(value):
                return False
        elif not _empty(value):
            return False
    return True


def merge_value(target: dict, key: str, value: Any, *, overwrite: bool) -> bool:
    """Set ``target[key]``; maps merge key by key; an empty list is filled, a non-empty one gains
    missing items only with ``overwrite`` (an invoice imported as OFD does not add itself beside
    the PDF of the same invoice). True when changed."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    current = target.get(key)
    if isinstance(value, dict):
        if not isinstance(current, dict):
            if current is not None and not overwrite:
                return False
            new = CommentedMap()
            flow = all(not isinstance(v, (dict, list)) for v in value.values())
            if flow:
                new.fa.set_flow_style()
            target[key] = new
            current = new
        changed = False
        for k, v in value.items():
            changed |= merge_value(current, k, v, overwrite=overwrite)
        return changed
    if isinstance(value, list):
        if _empty(current):
            seq = CommentedSeq(value)
            if all(not isinstance(v, (dict, list)) for v in value) and len(value) < 4:
                seq.fa.set_flow_style()
            target[key] = seq
            return True
        if not overwrite or not isinstance(current, list):
            return False  # files already listed (or one written as text) stay as the user wrote them
        changed = False
        for item in value:
            if not any(_same(existing, item) for existing in current):
                current.append(item)
                changed = True
        return changed
    if value is None:
        return False
    if key in target and _same(current, value):
        return False
    if not _empty(current) and not overwrite:
        return False
    target[key] = value
    return True


def merge_rows(
    rows_at: list[str],
    doc: Document,
    rows: list[dict],
    *,
    match: Callable[[dict, dict], bool],
    new_id: Callable[[set[str]], str],
    overwrite: bool | Callable[[str], bool],
) -> MergeResult:
    """Merge ``rows`` into the sequence at ``rows_at`` (e.g. ["investments"] or ["equipment", "ledger"])."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    parent = doc.data
    for name in rows_at[:-1]:
        if not isinstance(parent.get(name), dict):
            parent[name] = CommentedMap()
        parent = parent[name]
    last = rows_at[-1]
    seq = parent.get(last)
    if not isinstance(seq, list):
        seq = CommentedSeq()
        parent[last] = seq
    result = MergeResult()
    for row in rows:
        ids = {str(r.get("id")) for r in seq if isinstance(r, dict) and r.get("id") is not None}
        target = None
        if row.get("id") is not None:
            target = next((r for r in seq if isinstance(r, dict) and str(r.get("id")) == str(row["id"])), None)
        if target is None:
            target = next((r for r in seq if isinstance(r, dict) and not is_placeholder(r) and match(r, row)), None)
        placeholder = None
        if target is None:
            placeholder = next((r for r in seq if is_placeholder(r)), None)
        if target is None and placeholder is not None:
            target = placeholder
            row = {**row, "id": row.get("id") or new_id(ids - {str(placeholder.get("id"))})}
        if target is None:
            target = CommentedMap()
            target["id"] = row.get("id") or new_id(ids)
            seq.append(target)
            fresh = True
        else:
            fresh = placeholder is not None
        changed = False
        for key, value in row.items():
            if key == "id" and not fresh:
                continue
            ow = overwrite(key) if callable(overwrite) else overwrite
            changed |= merge_value(target, key, value, overwrite=ow or fresh)
        rid = str(target.get("id"))
        if fresh:
            result.added.append(rid)
        elif changed:
            result.updated.append(rid)
        else:
            result.unchanged.append(rid)
    return result


def next_id(prefix: str) -> Callable[[set[str]], str]:
    """``A01``, ``A02`` …: the next number after the highest one with this prefix."""

    def make(taken: set[str]) -> str:
        n = 1
        while f"{prefix}{n:02d}" in taken:
            n += 1
        return f"{prefix}{n:02d}"

    return make
