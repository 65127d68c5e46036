"""Going on after an interruption with the same command.

After ``kill -9`` (or a lost node, or a full disk) Snakemake leaves its directory locks behind
and marks the running jobs' outputs incomplete; the next ``snakemake --cores N`` then stops
and asks for ``--unlock`` and ``--rerun-incomplete``.  A lab should rerun the README's command
and get the same results, so:

* the main Snakemake process records itself (host, pid) in ``.snakemake/ntrkfusion-run.json``;
  a later run that finds the recorded process dead *on this host* removes the stale locks.
  A live process, or one on another host (which cannot be checked from here), keeps its locks,
  and Snakemake's own message applies;
* the outputs of the jobs that run left incomplete get the oldest timestamp there is, and their
  markers are removed, so Snakemake runs those jobs again, and everything after them: what
  ``--rerun-incomplete`` does.  (A deleted output would not do: Snakemake 9 does not re-make
  a missing intermediate file whose consumers are up to date.)  (Snakemake reads its DAG settings after the
  Snakefile, so they cannot be set from here; the markers are its file-persistence layout,
  ``.snakemake/incomplete/<urlsafe base64 of the output path>``.)
"""

from __future__ import annotations

import json
import os
import socket
from base64 import urlsafe_b64decode
from pathlib import Path

RECORD = Path(".snakemake") / "ntrkfusion-run.json"
LOCKS = Path(".snakemake") / "locks"
INCOMPLETE = Path(".snakemake") / "incomplete"


def prepare_rerun(workflow) -> None:
    """Called while the Snakefile is read, in the main process only (not in cluster jobs)."""
    if not workflow.is_main_process:
        return
    owner = _recorded_owner()
    if owner is not None and _alive(owner):
        return  # another run of this directory is going on: Snakemake's lock will stop this one
    locks = sorted(LOCKS.glob("*.lock")) if LOCKS.is_dir() else []
    if locks and owner is None:
        return  # locked by a run that left no record: only Snakemake's --unlock can tell
    if owner is not None:  # our last run ended without cleaning up (killed): do it now
        for lock in locks:
            lock.unlink(missing_ok=True)
        for output in _incomplete_outputs():
            if output.exists():
                os.utime(output, (0, 0))  # older than any input: Snakemake's mtime trigger re-makes it
    _record_self()


def _incomplete_outputs() -> list[Path]:
    """The outputs Snakemake marked incomplete; the markers are removed."""
    if not INCOMPLETE.is_dir():
        return []
    outputs = []
    for marker in sorted(p for p in INCOMPLETE.rglob("*") if p.is_file()):
        parts = marker.relative_to(INCOMPLETE).parts
        encoded = "".join(part.removeprefix("@") for part in parts)
        try:
            outputs.append(Path(urlsafe_b64decode(encoded.encode()).decode()))
        except (ValueError, UnicodeDecodeError):
            continue
        marker.unlink(missing_ok=True)
    return outputs


def _recorded_owner() -> dict | None:
    try:
        return json.loads(RECORD.read_text())
    except (OSError, ValueError):
        return None


def _alive(owner: dict) -> bool:
    """Is the recorded Snakemake still running?  Unknown (another host) counts as alive."""
    if owner.get("host") != socket.gethostname():
        return True
    pid = int(owner.get("pid", 0))
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return b"snakemake" in cmdline  # a reused pid of another program is not our run


def _record_self() -> None:
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    tmp = RECORD.with_name(RECORD.name + ".tmp")
    tmp.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid()}))
    os.replace(tmp, RECORD)
