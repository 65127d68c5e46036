"""Output files that are complete or absent: a crash never leaves a partial table behind."""

from __future__ import annotations

import fcntl
import json
import math
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def atomic_write(path: str | Path, text: str) -> None:
    """Write a file so that a crash never leaves a partial one behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600: other lab users could not read it
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@contextmanager
def atomic_file(path: str | Path, companions: tuple[str, ...] = ()):
    """Yield a temporary path beside ``path`` (same suffixes, for tools that read them) to be
    written by another library; on success it and its companion files (``path + suffix``,
    e.g. an index) replace the outputs, the companions first; on failure nothing is left."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name.split('.')[0]}.{os.getpid()}.tmp{''.join(path.suffixes)}")
    made = [tmp, *(Path(f"{tmp}{c}") for c in companions)]
    try:
        yield tmp
        for c in companions:
            os.replace(f"{tmp}{c}", f"{path}{c}")
        os.replace(tmp, path)
    except BaseException:
        for f in made:
            f.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_parquet_frame(frame, path: str | Path) -> None:
    """A pandas frame as Parquet, complete or absent."""
    write_parquet(pa.Table.from_pandas(frame, preserve_index=False), path)


def write_parquet(table: pa.Table, path: str | Path) -> None:
    """Write a Parquet file under a temporary name, then move it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def write_json(record: dict, path: str | Path) -> None:
    """Write a JSON file (sorted keys, complete or absent).  NaN and infinity are not JSON:
    they are written as null, never as a bare ``NaN``."""
    atomic_write(path, json.dumps(_finite(record), indent=2, sort_keys=True, allow_nan=False) + "\n")


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


@contextmanager
def locked(path: str | Path, blocking: bool = True):
    """An exclusive lock on ``path`` (a lock file beside the work it guards), for work that
    several processes may start at once (aligner indexes in a shared cache).  Yields False,
    without waiting, when ``blocking`` is off and another process holds it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
