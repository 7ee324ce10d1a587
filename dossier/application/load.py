"""Load ``enterprise.yaml``: bytes → YAML 1.2 tree with line numbers → :class:`Application`.

Refuses, with a Chinese :class:`InputError` (exit 2): a missing file, a file too large, a file not
in UTF-8 (GBK is named as such), YAML syntax errors, duplicate keys, aliases (``*ref``: an alias
bomb expands exponentially, so none are allowed), a document that is not a mapping.

Schema problems (wrong types, unknown keys with a did-you-mean) are *findings* with their line:
the user fixes them like any other problem, and ``check`` exits 1.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from dossier.application.model import Application
from dossier.util.errors import InputError
from dossier.util.findings import Finding

if TYPE_CHECKING:  # ruamel is imported when a file is parsed: a remembered load needs none of it
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.nodes import Node, ScalarNode

FILENAME = "enterprise.yaml"
MAX_BYTES = 2 * 1024 * 1024  # a real enterprise.yaml is tens of KB; 2 MB leaves ample room


class YamlInt(int):
    """An int that remembers how it was written: ``012345`` read as a code must stay ``012345``."""

    source: str

    def __new__(cls, value: int, source: str) -> "YamlInt":
        obj = super().__new__(cls, value)
        obj.source = source
        return obj

    def __getnewargs__(self) -> tuple[int, str]:  # copy and pickle keep the written form
        return (int(self), self.source)


_CORE = "tag:yaml.org,2002:"


def _scalar(node: ScalarNode) -> Any:
    """A YAML 1.2 core-schema scalar; floats become Decimal from their written text (money
    never passes through float), impossible dates stay text so the schema names their line."""
    tag, text = _tag(node), node.value
    if tag == _CORE + "str" or node.style:
        return text
    if tag == _CORE + "null":
        return None
    if tag == _CORE + "bool":
        return text.lower() == "true"
    if tag == _CORE + "int":
        clean = text.replace("_", "")
        try:
            if clean.lower().startswith(("0o", "-0o", "+0o")):
                value = int(clean.lower().replace("0o", ""), 8)
            elif clean.lower().startswith(("0x", "-0x", "+0x")):
                value = int(clean, 16)
            else:
                value = int(clean, 10)
        except ValueError:
            return text
        return YamlInt(value, text)
    if tag == _CORE + "float":
        try:
            value = Decimal(text.replace("_", ""))
        except InvalidOperation:
            return text  # .inf / .nan: left as text, the schema rejects it with a line
        return value if value.is_finite() else text
    if tag == _CORE + "timestamp":
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("t", "T"))
        except ValueError:
            return text
    if tag.startswith(_CORE) or tag.startswith("!"):
        return text
    raise InputError(f"不支持的 YAML 标签“{tag}”", line=node.start_mark.line + 1, hint="请删除该标签，直接写值。")


@dataclass
class LineIndex:
    """Where each value was written: ``("investments", 3, "invoice", "date") → (file, line)``."""

    lines: dict[tuple, tuple[str, int]] = field(default_factory=dict)
    default_file: str = FILENAME
    # Display name of each file → the folder its relative paths resolve against.
    folders: dict[str, Path] = field(default_factory=dict)

    def at(self, path: tuple) -> tuple[str, int | None]:
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return (self.default_file, self.lines.get((), (self.default_file, None))[1])

    def line(self, path: tuple) -> int | None:
        return self.at(path)[1]

    def file(self, path: tuple) -> str:
        return self.at(path)[0]

    def folder(self, path: tuple, default: Path) -> Path:
        """The folder a relative path written at ``path`` resolves against (its declaring file's)."""
        return self.folders.get(self.file(path), default)


def decode(data: bytes, name: str) -> str:
    """UTF-8 text of a YAML file; GBK / UTF-16 files are named as such with how to fix them."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            "文件是 UTF-16 编码，dossier 只读 UTF-8",
            file=name,
            hint="请用记事本或 VS Code 打开，选择“另存为”，编码选 UTF-8 后保存。",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
            what = "文件看起来是 GBK（GB2312/GB18030）编码，dossier 只读 UTF-8"
        except UnicodeDecodeError:
            what = "文件不是有效的 UTF-8 文本"
        raise InputError(
            what,
            file=name,
            line=line,
            hint="请用记事本或 VS Code 打开，选择“另存为”，编码选 UTF-8 后保存，再重新运行。",
        ) from None


@functools.cache
def _resolver() -> type:
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver
    from ruamel.yaml.tag import Tag

    class Resolver(VersionedResolver):
        """ruamel's resolver, choosing the YAML version's rules once instead of for every scalar:
        ruamel finds the version through two caught AttributeErrors per scalar, ~40 % of composing
        a 60 KB file with the C parser. The version cannot change within a document, and each
        :class:`YAML` made by :func:`_composer` composes one document."""

        _rules: Any = None
        _by_first: Any = None

        @property
        def versioned_resolver(self) -> Any:
            if self._rules is None:
                self._rules = VersionedResolver.versioned_resolver.fget(self)
            return self._rules

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            """ruamel's ``resolve`` of a plain scalar, with the rules for each first character
            gathered once and their patterns taken out of ruamel's lazy wrapper (which looked each
            ``match`` up through ``__getattribute__``): called for every scalar of the file."""
            if kind is not ScalarNode or not implicit[0] or self.yaml_path_resolvers:
                return super().resolve(kind, value, implicit)
            if self._by_first is None:
                self._by_first = {}
            first = value[:1]  # "" for the empty scalar, as ruamel's lookup
            rules = self._by_first.get(first)
            if rules is None:
                found = self.versioned_resolver.get(first, []) + self.versioned_resolver.get(None, [])
                rules = self._by_first[first] = [(tag, _compiled(regexp)) for tag, regexp in found]
            for tag, regexp in rules:
                if regexp.match(value):
                    return Tag(suffix=tag)
            return self.DEFAULT_SCALAR_TAG

    return Resolver


def _compiled(regexp: Any) -> Any:
    """The compiled pattern behind ruamel's ``RegExp`` (a ``LazyEval``), or ``regexp`` itself."""
    lazy = getattr(regexp, "lazy_self", None)
    return lazy() if callable(lazy) else regexp


def _composer() -> YAML:
    from ruamel.yaml import YAML

    # The C parser (ruamel.yaml.clib) composes a 60 KB file in ~20 ms, the pure one in ~300 ms;
    # both give nodes with line marks, and both resolve plain scalars by the YAML 1.2 core schema.
    try:
        yaml = YAML(typ="safe", pure=False)
    except Exception:  # noqa: BLE001 - no C extension: the pure parser gives the same nodes
        yaml = YAML(typ="safe", pure=True)
    yaml.Resolver = _resolver()
    return yaml


def _tag(node: Node) -> str | None:
    """``node.tag``, without ruamel's character-by-character %-decoding of every resolved tag."""
    tag = node.ctag
    if tag is not None and tag.handle is None and isinstance(tag.suffix, str) and "%" not in tag.suffix:
        return tag.suffix
    return node.tag


MAX_NESTING = 64
# The C composer recurses once per nesting level without a depth check: "a: [[[[...]]]]" 50,000
# levels deep overflows the C stack and kills the process (SIGSEGV), which no except can catch.
# Nesting needs a "[", "{", "-" or ":" per level, so a text with few of them is composed directly.
_CHEAP_DEPTH_BOUND = 5_000


def _too_deep(yaml: YAML, text: str) -> int | None:
    """The line where nesting first exceeds :data:`MAX_NESTING`, or None. Streams parser events."""
    if sum(text.count(c) for c in "[{-:") < _CHEAP_DEPTH_BOUND:
        return None
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

    depth = 0
    for event in yaml.parse(text):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                return event.start_mark.line + 1
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return None


def parse_yaml(text: str, name: str) -> tuple[Any, LineIndex]:
    """Parse YAML 1.2 text into plain Python values and a line index. Raises InputError.

    Aliases are refused where they are used: an alias bomb is a handful of nodes until it is
    expanded, and it is never expanded.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = _composer()
    try:
        deep = _too_deep(yaml, text)
        if deep is not None:
            raise InputError(
                f"YAML 嵌套超过 {MAX_NESTING} 层", file=name, line=deep,
                hint="enterprise.yaml 不需要这么多层嵌套，请检查缩进和括号是否成对。",
            )
        root = yaml.compose(text)
    except MarkedYAMLError as exc:
        problem, hint, line = yaml_message(exc, text)
        raise InputError(f"YAML 格式错误：{problem}", file=name, line=line, hint=hint) from None
    except (YAMLError, RecursionError, ValueError) as exc:
        raise InputError(f"YAML 无法解析：{exc}", file=name, hint="请检查文件格式。") from None
    index = LineIndex(default_file=name)
    index.lines[()] = (name, 1)
    if root is None:
        return {}, index
    if root.id != "mapping":
        raise InputError("文件顶层应是“键: 值”形式的映射", file=name, line=1, hint="参照 dossier init 生成的模板填写。")
    try:
        plain = _plain(root, (), index, name, set())
    except InputError as exc:
        raise InputError(exc.message, file=name, line=exc.line, hint=exc.hint) from None
    except RecursionError:
        raise InputError("YAML 嵌套层级过深", file=name, hint="enterprise.yaml 不需要这么多层嵌套，请检查缩进。") from None
    return plain, index


_GENERIC_HINT = "检查该行及上一行的缩进（只能用空格，不能用 Tab）、冒号后的空格和引号是否成对。"


def yaml_message(exc: MarkedYAMLError, text: str) -> tuple[str, str, int | None]:
    """(Chinese problem, a hint that fits the cause, line) for a YAML syntax error."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    lines = text.splitlines()
    here = lines[line - 1] if line and line <= len(lines) else ""
    if "unknown escape character" in problem:
        return (
            "双引号中的反斜杠“\\”被当作转义符（如 \\A 不是合法的转义）",
            "Windows 路径请改用单引号（'evidence\\A01\\合同.pdf'），或改用正斜杠（evidence/A01/合同.pdf）。",
            line,
        )
    if "\t" in problem or ("cannot start any token" in problem and "\t" in here[: len(here) - len(here.lstrip())]):
        return "使用了 Tab 缩进", "YAML 只能用空格缩进：把该行开头的 Tab 换成空格（建议每层 2 个空格）。", line
    if "quoted scalar" in context and "end of stream" in problem:
        start = exc.context_mark.line + 1 if exc.context_mark else line
        return (
            f"第 {start} 行开始的引号没有结束",
            "补上配对的引号（\" 与 \" 成对，' 与 ' 成对）；文字中本身含有引号时，用另一种引号把整段括起来。",
            start,
        )
    if "mapping values are not allowed" in problem:
        return (
            "此处不能出现“键: 值”",
            "常见原因：值中含有未加引号的“: ”（请给整个值加上引号），或这一行的缩进与上一行不一致。",
            line,
        )
    if "could not find expected ':'" in problem:
        return "缺少冒号", "每个键后面要有冒号和一个空格，如“name: 武汉某公司”。", line
    if "found undefined alias" in problem:
        return "引用了未定义的别名", "请删除以 * 开头的别名，直接写出内容。", line
    if "expected '-' indicator" in problem:
        return "列表项与其他内容混在同一层", "列表的每一项都以“- ”开头，并与同级的其他项对齐。", line
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        return "方括号或花括号没有成对", "检查该处的 [ ] 或 { } 是否成对，项与项之间用英文逗号分隔。", line
    if "cannot start any token" in problem:
        return "该行含有不能作为值开头的字符（如 @ 或 `）", "给这个值加上引号。", line
    return f"无法解析（{problem or context or '未知原因'}）", _GENERIC_HINT, line


def _plain(node: Node, path: tuple, index: LineIndex, name: str, seen: set[int]) -> Any:
    if id(node) in seen:
        # The composer hands the anchored node again where an alias (*ref) stands.
        anchor = getattr(node, "anchor", None)
        raise InputError(
            f"不允许使用 YAML 别名{f'“*{anchor}”' if anchor else ''}",
            # A list item's own mark is the anchor's; the list's key is where the alias was written.
            line=index.line(path[:-1] if path and isinstance(path[-1], int) else path),
            hint="请把被引用的内容直接写出来；为防止“别名炸弹”，dossier 不展开别名。",
        )
    # Every node appears once in a document; a node met twice came through an alias.
    seen.add(id(node))
    # ruamel's node kinds by their `id` (ScalarNode, SequenceNode, MappingNode): the same test as
    # isinstance, without importing ruamel for this module.
    if node.id == "mapping":
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if _tag(key_node) == _CORE + "merge":
                raise InputError("不允许使用 YAML 合并键“<<”", line=line, hint="请把内容直接写出来。")
            if key_node.id != "scalar":
                raise InputError("键必须是简单的文字", line=line)
            key = str(key_node.value)
            if key in out:
                raise InputError(
                    f"同一层级出现了重复的键“{key}”", line=line, hint="删除或合并重复的那一项（YAML 中同一层的键只能出现一次）。"
                )
            index.lines[path + (key,)] = (name, line)
            out[key] = _plain(value_node, path + (key,), index, name, seen)
        return out
    if node.id == "sequence":
        items = []
        for i, item in enumerate(node.value):
            index.lines[path + (i,)] = (name, item.start_mark.line + 1)
            items.append(_plain(item, path + (i,), index, name, seen))
        return items
    return _scalar(node)


def read_yaml_file(path: Path, display: str, reads: list[tuple[str, str]] | None = None) -> tuple[Any, LineIndex]:
    """Read and parse one YAML file the user wrote (size cap, encoding, syntax). ``reads`` gets
    the file's resolved path and the SHA-256 of the bytes parsed."""
    if not path.is_file():
        raise InputError("找不到文件", file=display, hint="请确认项目文件夹中有 enterprise.yaml（可用 dossier init 生成）。")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(
            f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {MAX_BYTES // 1024 // 1024} MB）",
            file=display,
            hint="enterprise.yaml 只写结构化信息，长文、图片和扫描件请放在 evidence/、media/ 中并用路径引用。",
        )
    data = path.read_bytes()
    if reads is not None:
        import hashlib

        reads.append((str(path.resolve()), hashlib.sha256(data).hexdigest()))
    return parse_yaml(decode(data, display), display)


# ---------------------------------------------------------------- schema → findings

_ERROR_TEXT = {
    "missing": "缺少此项",
    "bool_parsing": "应填写 true/false（或 是/否）",
    "bool_type": "应填写 true/false（或 是/否）",
    "date_parsing": "日期格式不对，应为 YYYY-MM-DD（如 2025-09-30）",
    "date_from_datetime_parsing": "日期格式不对，应为 YYYY-MM-DD（如 2025-09-30）",
    "date_type": "应填写日期，格式 YYYY-MM-DD",
    "date_from_datetime_inexact": "应填写日期（不含时间）",
    "decimal_parsing": "应填写数字（金额以万元为单位，如 1234.56）",
    "decimal_type": "应填写数字",
    "int_parsing": "应填写整数",
    "int_type": "应填写整数",
    "int_from_float": "应填写整数",
    "string_type": "应填写文字",
    "list_type": "应填写列表（每项以“- ”开头）",
    "dict_type": "应填写“键: 值”形式的映射",
    "model_type": "应填写“键: 值”形式的映射",
    "model_attributes_type": "应填写“键: 值”形式的映射",
    "finite_number": "应填写有限的数字",
}


def schema_findings(exc: ValidationError, index: LineIndex) -> list[Finding]:
    import difflib

    findings = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind = err["type"]
        dotted = _dotted(loc)
        if kind == "extra_forbidden":
            parent = _model_at(Application, loc[:-1])
            key = str(loc[-1])
            allowed = list(parent.model_fields) if parent else []
            guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            text = f"未知的键“{key}”"
            text += f"，是否想写“{guess[0]}”？" if guess else (f"；此处可用的键：{'、'.join(allowed)}" if allowed else "")
            code = "Y-UNKNOWN-KEY"
        else:
            title = _title_at(loc)
            label = f"{dotted}（{title}）" if title else dotted
            if kind == "literal_error":
                expected = err.get("ctx", {}).get("expected", "")
                reason = f"取值不在允许范围内，应为 {expected}"
            elif kind == "decimal_parsing" and not str(loc[-1]).endswith("_wan"):
                reason = "应填写数字"  # a quantity or an indicator, not an amount in 万元
            else:
                reason = _ERROR_TEXT.get(kind, err["msg"])
            text = f"{label}：{reason}"
            code = "Y-SCHEMA"
        file, line = index.at(loc)
        findings.append(
            Finding(code, "error", text, file=file, line=line, rule="enterprise.yaml 的结构须与 dossier init 生成的模板一致。")
        )
    return findings


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None


def _model_at(model: type[BaseModel] | None, loc: tuple) -> type[BaseModel] | None:
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            return None
        model = _inner_model(info.annotation)
    return model


def _title_at(loc: tuple) -> str | None:
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return None
    parent = _model_at(Application, tuple(p for p in loc[:-1]) if not isinstance(loc[-1], int) else loc[:-2])
    last = names[-1]
    if parent and last in parent.model_fields:
        return parent.model_fields[last].title
    return None


# Numbers a real application never holds. Decimal arithmetic runs at 28 significant digits: a
# value of 1E+30 or 1E-30 makes quantize() raise deep inside the figures instead of a finding.
MAX_MAGNITUDE = Decimal("1E12")
MIN_MAGNITUDE = Decimal("1E-8")


def magnitude_findings(app: BaseModel, index: LineIndex) -> list[Finding]:
    """Schema findings for numbers outside any plausible range (``1e30`` 万元, ``1e-30``)."""
    findings = []
    numbers: list[tuple[tuple, Any]] = []
    _numbers(app, (), numbers)
    for loc, value in numbers:
        size = abs(Decimal(value))
        if size >= MAX_MAGNITUDE:
            reason = f"数值过大（{value}），超出合理范围"
        elif 0 < size < MIN_MAGNITUDE:
            reason = f"数值过小（{value}），超出可计算的精度"
        else:
            continue
        title = _title_at(loc)
        label = f"{_dotted(loc)}（{title}）" if title else _dotted(loc)
        file, line = index.at(loc)
        findings.append(
            Finding("Y-SCHEMA", "error", f"{label}：{reason}", file=file, line=line,
                    rule="金额以万元为单位，比例、指标按实际数值填写。")
        )
    return findings


def _numbers(value: Any, loc: tuple, out: list[tuple[tuple, Any]]) -> None:
    """Append ``(loc, number)`` for every number in ``value``, in field order. Into a list, not
    yielded: a generator hands each number up through every level of nesting."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _numbers(getattr(value, name), loc + (name,), out)
    elif isinstance(value, dict):
        for key, item in value.items():
            _numbers(item, loc + (str(key),), out)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _numbers(item, loc + (i,), out)
    elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        if isinstance(value, Decimal) and not value.is_finite():
            return
        out.append((loc, value))


# ---------------------------------------------------------------- the project


MAX_EXTENDS_DEPTH = 5


def merge(base: Any, override: Any, base_index: LineIndex, index: LineIndex, path: tuple = ()) -> Any:
    """Field-by-field override: mappings merge key by key; lists and scalars replace whole.

    Line entries of values that come from ``base`` are copied into ``index`` so that findings
    name the file that holds the value.
    """
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = merge(base[key], value, base_index, index, path + (key,)) if key in base else value
        for key in base:
            if key not in override:
                _copy_lines(base_index, index, path + (key,))
        return out
    return override


def _copy_lines(src: LineIndex, dst: LineIndex, prefix: tuple) -> None:
    n = len(prefix)
    for key, where in src.lines.items():
        if key[:n] == prefix:
            dst.lines[key] = where


def _load_with_extends(
    path: Path, display: str, root: Path, seen: tuple[Path, ...], reads: list[tuple[str, str]] | None = None
) -> tuple[dict, LineIndex]:
    raw, index = read_yaml_file(path, display, reads)
    index.folders[display] = path.parent
    base_ref = raw.get("extends")
    if not base_ref:
        return raw, index
    if not isinstance(base_ref, str) or not base_ref.lower().endswith((".yaml", ".yml")):
        raise InputError("extends 应为一个 .yaml 文件的相对路径", file=display, line=index.line(("extends",)))
    if base_ref.startswith("/") or ":" in base_ref[:3]:
        raise InputError("extends 不能使用绝对路径", file=display, line=index.line(("extends",)), hint="请写相对路径，如 ../公司资料.yaml。")
    base_path = (path.parent / base_ref.replace("\\", "/")).resolve()
    if base_path in seen or len(seen) >= MAX_EXTENDS_DEPTH:
        raise InputError(
            "extends 形成循环或层级过深", file=display, line=index.line(("extends",)),
            hint=f"公司资料文件最多嵌套 {MAX_EXTENDS_DEPTH} 层，且不能互相引用。",
        )
    base_display = os.path.relpath(base_path, root).replace(os.sep, "/")
    if not base_path.is_file():
        raise InputError(f"找不到 extends 指向的文件“{base_ref}”", file=display, line=index.line(("extends",)))
    base_raw, base_index = _load_with_extends(base_path, base_display, root, seen + (base_path,), reads)
    merged = merge(base_raw, {k: v for k, v in raw.items() if k != "extends"}, base_index, index)
    merged["extends"] = base_ref
    index.folders.update(base_index.folders)
    return merged, index


@dataclass
class ProjectFolder:
    """A loaded project folder: the data, where each value was written, and schema findings."""

    root: Path
    raw: dict[str, Any]
    lines: LineIndex
    app: Application | None
    findings: list[Finding]

    @property
    def name(self) -> str:
        return self.root.resolve().name

    def resolve(self, path: tuple, rel: str) -> Path:
        """The file a path value written at ``path`` names, confined to its declaring file's folder."""
        from dossier.application import paths

        folder = self.lines.folder(path, self.root)
        return paths.resolve(folder, rel, source=self.lines.file(path), line=self.lines.line(path))


def load_project(root: str | Path) -> ProjectFolder:
    """Load ``root/enterprise.yaml``. InputError when the file is unusable; schema problems as findings.

    A load is remembered in the user cache (:func:`_remembered`): the same files give the same
    project, without parsing and validating them again.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError("项目文件夹不存在", file=str(root), hint="请给出含 enterprise.yaml 的文件夹路径。")
    raw, index, app, findings = _remembered(root)
    return ProjectFolder(root=root, raw=raw, lines=index, app=app, findings=findings)


def _load(
    root: Path, reads: list[tuple[str, str]] | None = None
) -> tuple[dict[str, Any], LineIndex, Application | None, list[Finding]]:
    raw, index = _load_with_extends(root / FILENAME, FILENAME, root.resolve(), (( root / FILENAME).resolve(),), reads)
    findings: list[Finding] = forgive_numbers(raw, index)
    app, schema = validate_partially(raw, index)
    findings += schema
    if app is not None:
        magnitude = magnitude_findings(app, index)
        if magnitude:
            findings += magnitude
            app = None  # the rules would compute with these numbers; stop at the schema stage
    return raw, index, app, findings


# ---------------------------------------------------------------- the load, remembered

# The code whose behaviour a remembered load stands for: if any of it changes, nothing is reused.
_CODE = ("dossier.application.load", "dossier.application.model", "dossier.util.findings")


def _remembered(root: Path) -> tuple[dict[str, Any], LineIndex, Application | None, list[Finding]]:
    """:func:`_load`, remembered in the user cache: ``check`` runs after every save, and parsing
    plus validating a 60 KB enterprise.yaml (pydantic builds its validators first) costs ~0.1 s.

    An entry is used only when every file the load read (enterprise.yaml and the files it
    ``extends``) still has the bytes that were parsed, and the loader's code, pydantic and ruamel
    are the same; otherwise the files are loaded again. Unusable input (InputError) is never
    remembered. Pickled: the values are the loader's own objects (dates, Decimals, models).
    """
    import hashlib
    import pickle
    import stat
    import sys

    import pydantic

    from dossier.util import cache

    try:
        st = (root / FILENAME).stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            return _load(root)  # refused by the loader, unread (a device such as /dev/zero never ends)
        code = hashlib.sha256(b"".join(Path(sys.modules[name].__file__).read_bytes() for name in _CODE))
        main = (root / FILENAME).read_bytes()
    except OSError:
        return _load(root)
    code.update(f"{sys.version} pydantic {pydantic.VERSION}".encode() + cache.module_fingerprint("ruamel.yaml"))
    # Relative paths of the folders are kept as given, absolute ones resolved: both are in the key.
    code.update(f"\0{root}\0{root.resolve()}\0".encode() + hashlib.sha256(main).digest())
    target = cache.cache_dir("project") / f"{cache.VERSION}-{code.hexdigest()}.pickle"
    try:
        entry = pickle.loads(target.read_bytes())
        if all(hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest for path, digest in entry["reads"]):
            cache.touch(target)
            return entry["value"]
    except Exception:  # noqa: BLE001 - absent, unreadable, damaged or stale: load again
        pass
    reads: list[tuple[str, str]] = []
    value = _load(root, reads)
    try:
        # Not fsynced (util.cache.store): ``dossier watch`` waits for this before it converts
        # anything, and an entry cut short by a power cut does not unpickle, so it is loaded again.
        cache.store(target, pickle.dumps({"reads": reads, "value": value}, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # not remembered: the next check loads again
    return value


_VALIDATOR: Any = None


def application_validator() -> Any:
    """``Application.__pydantic_validator__`` (what ``Application.model_validate`` runs), remembered
    in the user cache: pydantic generates it from the models in ~45 ms, on the first validation of
    every process (every check after an edit); unpickling it takes ~2 ms. pydantic-core pickles a
    validator as the core schema it was built from (the models' classes and validator functions by
    name) and builds it again from that schema when unpickled, so it validates exactly as the
    models' own. Keyed by model.py's source and the versions of Python and pydantic (which pins its
    pydantic-core to one version); anything unusable in the cache builds it afresh."""
    global _VALIDATOR
    if _VALIDATOR is not None:
        return _VALIDATOR
    import hashlib
    import pickle
    import sys

    import pydantic

    from dossier.application import model
    from dossier.util import cache

    try:
        source = Path(model.__file__).read_bytes()
    except OSError:
        source = None
    target = None
    if source is not None:
        versions = f"{sys.version} pydantic {pydantic.VERSION}"
        target = cache.cache_dir("validator") / f"{cache.VERSION}-{hashlib.sha256(source + versions.encode()).hexdigest()}.pickle"
        try:
            found = pickle.loads(target.read_bytes())
            if getattr(found, "title", None) == Application.__name__ and callable(getattr(found, "validate_python", None)):
                cache.touch(target)
                _VALIDATOR = found
                return found
        except Exception:  # noqa: BLE001 - absent, unreadable, damaged: built afresh
            pass
    Application.model_rebuild()
    _VALIDATOR = Application.__pydantic_validator__
    if target is not None:
        try:
            cache.store(target, pickle.dumps(_VALIDATOR, protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            pass  # not remembered: the next process builds it again
    return _VALIDATOR


MAX_PRUNE_ROUNDS = 10


def validate_partially(raw: dict[str, Any], index: LineIndex) -> tuple[Application | None, list[Finding]]:
    """Validate; on type errors, report them all and validate again without the offending values,
    so that one wrong type does not hide every other check (the user fixes all in one round).

    A wrong value is dropped (the field then counts as not filled, which the schema finding
    already says); see :func:`_prune`.
    """
    validator = application_validator()
    try:
        return validator.validate_python(raw), []
    except ValidationError as exc:
        findings = schema_findings(exc, index)
        errors = exc.errors(include_url=False)
    data = raw
    for _ in range(MAX_PRUNE_ROUNDS):
        pruned = _prune(data, [tuple(e["loc"]) for e in errors])
        if pruned == data:
            return None, findings
        data = pruned
        try:
            return validator.validate_python(data), findings
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
    return None, findings


def _prune(data: Any, locs: list[tuple]) -> Any:
    """A copy of ``data`` without the values at ``locs``.

    A key is removed from its mapping, also inside a list item (the items keep their places, so
    their line numbers hold). An item that is itself wrong cannot be removed without shifting the
    items after it: its whole list goes instead.
    """
    import copy

    out = copy.deepcopy(data)
    for loc in locs:
        parents = [out]
        for part in loc[:-1]:
            here = parents[-1]
            if isinstance(here, dict) and part in here:
                parents.append(here[part])
            elif isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here):
                parents.append(here[part])
            else:
                break
        else:
            parent, last = parents[-1], loc[-1] if loc else None
            if isinstance(parent, dict):
                parent.pop(last, None)
            elif isinstance(parent, list) and len(loc) >= 2 and isinstance(parents[-2], dict):
                parents[-2].pop(loc[-2], None)
    return out


# ---------------------------------------------------------------- forgiving numbers

_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")


def read_number(text: str, *, money: bool, integer: bool) -> tuple[str, list[str]] | None:
    """``"１，２３４.５万元"`` → ``("1234.5", [what was changed])``; None when it is not a number.

    Full-width digits, thousands separators and (for amounts in 万元) a trailing 万 / 万元 are
    read as the plain number they plainly mean; anything else is left to the schema.
    """
    import unicodedata

    from dossier.util.formats import without_grouping

    changes = []
    t = unicodedata.normalize("NFKC", text).strip()
    if t != text.strip():
        changes.append("全角字符按半角读取")
    if money:
        for unit in ("万元", "万"):
            if t.endswith(unit):
                t = t[: -len(unit)].strip()
                changes.append(f"去掉了单位“{unit}”（本项以万元为单位）")
                break
    plain = without_grouping(t)
    if plain != t:
        t = plain
        changes.append("去掉了千分位逗号")
    if not _PLAIN.match(t) or (integer and "." in t):
        return None
    return t, changes


@functools.lru_cache(maxsize=4096)
def _number_kind_of_shape(loc: tuple) -> str | None:
    """"money", "number" or "int" for a field that holds a number, else None. ``loc`` with every
    list index written 0: the answer depends on the keys only, so it is asked once per shape."""
    import typing

    if not loc or isinstance(loc[-1], int):
        return None
    parent = _model_at(Application, loc[:-1])
    annotation = None
    if parent is not None and loc[-1] in parent.model_fields:
        annotation = parent.model_fields[loc[-1]].annotation
    elif len(loc) >= 2 and not isinstance(loc[-2], int):
        grand = _model_at(Application, loc[:-2])
        info = grand.model_fields.get(loc[-2]) if grand is not None else None
        if info is not None and typing.get_origin(info.annotation) is dict:
            annotation = typing.get_args(info.annotation)[1]
    if annotation is None:
        return None

    def leaves(a: Any):
        args = typing.get_args(a)
        if not args:
            yield a
        for x in args:
            yield from leaves(x)

    kinds = set(leaves(annotation))
    if Decimal in kinds:
        return "money" if str(loc[-1]).endswith("_wan") else "number"
    if int in kinds and bool not in kinds:
        return "int"
    return None


def forgive_numbers(raw: Any, index: LineIndex, loc: tuple = (), shape: tuple = ()) -> list[Finding]:
    """Numbers written as text the way people write them, read as numbers with an info finding.

    Changes ``raw`` in place (the parsed copy, never the user's file). ``shape`` is ``loc`` with
    every list index written 0 (what :func:`_number_kind_of_shape` looks up), built along the way.
    """
    findings: list[Finding] = []
    items = raw.items() if isinstance(raw, dict) else enumerate(raw) if isinstance(raw, list) else ()
    for key, value in list(items):
        here = loc + (key,)
        here_shape = shape + (0 if isinstance(key, int) else key,)
        if isinstance(value, (dict, list)):
            findings += forgive_numbers(value, index, here, here_shape)
            continue
        if not isinstance(value, str) or isinstance(value, bool):
            continue
        kind = _number_kind_of_shape(here_shape)
        if kind is None:
            continue
        read = read_number(value, money=kind == "money", integer=kind == "int")
        if read is None or not read[1]:
            continue
        number, changes = read
        raw[key] = YamlInt(int(number), number) if kind == "int" else number
        title = _title_at(here)
        label = f"{_dotted(here)}（{title}）" if title else _dotted(here)
        file, line = index.at(here)
        findings.append(Finding(
            "Y-NUMBER-READ", "info", f"{label}：“{value}”按 {number} 读取（{'；'.join(changes)}）", file=file, line=line,
            rule="数字直接写阿拉伯数字即可，如 1234.5；金额以万元为单位，不必写“万元”。",
        ))
    return findings
