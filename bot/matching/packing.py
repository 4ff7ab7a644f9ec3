"""Numpy arrays and JSON in one ``.npz`` file, read with ``allow_pickle=False``.

The compiled cache lives in a directory other users may be able to write to,
so it must be a format whose loading cannot run code. Large string-keyed
tables are stored as one joined string plus parallel value arrays: that loads
an order of magnitude faster than the same table as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

_SEP = "\x1f"  # unit separator: never part of a word, a stem or a feature name


class Packer:
    def __init__(self) -> None:
        self.arrays: dict[str, npt.NDArray[Any]] = {}

    def array(self, name: str, value: npt.NDArray[Any]) -> None:
        self.arrays[name] = np.ascontiguousarray(value)

    def json(self, name: str, value: Any) -> None:
        self.arrays[name] = np.frombuffer(json.dumps(value, ensure_ascii=False).encode(), dtype=np.uint8)

    def strings(self, name: str, values: Sequence[str]) -> None:
        self.arrays[name] = np.frombuffer(_SEP.join(values).encode(), dtype=np.uint8)

    def table(self, name: str, table: Mapping[str, Any], dtype: npt.DTypeLike) -> None:
        """A str-keyed table of numbers or tuples of numbers."""
        self.strings(f"{name}.keys", list(table))
        self.array(f"{name}.values", np.asarray(list(table.values()), dtype=dtype))

    def write(self, handle: IO[bytes]) -> None:
        np.savez(handle, **self.arrays)  # type: ignore[arg-type]


class Unpacker:
    def __init__(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as data:
            self.arrays = {name: data[name] for name in data.files}

    def array(self, name: str) -> npt.NDArray[Any]:
        value: npt.NDArray[Any] = self.arrays[name]
        return value

    def json(self, name: str) -> Any:
        return json.loads(self.arrays[name].tobytes().decode())

    def strings(self, name: str) -> list[str]:
        raw = self.arrays[name].tobytes().decode()
        return raw.split(_SEP) if raw else []

    def table(self, name: str) -> dict[str, Any]:
        keys = self.strings(f"{name}.keys")
        values = self.arrays[f"{name}.values"]
        if values.ndim == 2:  # rows of numbers become tuples (zip builds them in C)
            return dict(zip(keys, zip(*values.T.tolist(), strict=True), strict=True))
        return dict(zip(keys, values.tolist(), strict=True))
