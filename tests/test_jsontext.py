"""dossier.util.jsontext.dumps writes exactly what json.dumps(ensure_ascii=False, indent=2) writes."""

from __future__ import annotations

import enum
import json
import random

import pytest

from dossier.util.jsontext import dumps


def _reference(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


class _Code(enum.IntEnum):
    A = 3


class _Text(str):
    pass


def test_awkward_values_come_out_as_json_writes_them():
    value = {
        "floats": [float("nan"), float("inf"), -float("inf"), 1e16, -0.0, 1.5e-300, 589.33, 12.0],
        "text": ["中文", 'quote " and \\ backslash', "\n\t\x00\x1f", "\u2028", _Text("sub")],
        "other": [True, False, None, _Code.A, 0, -7, 10**30],
        1: {}, 2.5: [], True: (1, (2, [])), None: {"k": [[[]], {}]}, False: 0, "": "",
    }
    assert dumps(value) == _reference(value)


def test_random_nested_values_match():
    rng = random.Random(15)

    def make(depth: int):
        kind = rng.randrange(8 if depth < 4 else 5)
        if kind == 0:
            return rng.choice(["", "a", "页码", "x\ny", '"'])
        if kind == 1:
            return rng.randint(-10**6, 10**6)
        if kind == 2:
            return rng.uniform(-1e4, 1e4)
        if kind == 3:
            return rng.choice([True, False, None])
        if kind == 4:
            return round(rng.uniform(0, 842), 2)
        if kind == 5:
            return [make(depth + 1) for _ in range(rng.randrange(4))]
        if kind == 6:
            return tuple(make(depth + 1) for _ in range(rng.randrange(3)))
        return {f"k{i}": make(depth + 1) for i in range(rng.randrange(4))}

    for _ in range(300):
        value = make(0)
        assert dumps(value) == _reference(value)


def test_what_json_refuses_is_refused():
    with pytest.raises(TypeError):
        dumps({"x": object()})
    with pytest.raises(TypeError):
        dumps({(1, 2): "tuple key"})
