"""What several test modules share: paths, the workflow run in a subprocess, project folders,
independent counts, and work done once for the whole session whatever the number of pytest-xdist
workers (``once``).  Fixtures built from these are in ``conftest.py``."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ntrkfusion.io import locked

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "resources" / "example"
SHARED = Path(os.environ.get("NTRKFUSION_SHARED", ROOT.parent / "shared" / "data"))
# Simulated BAMs and aligner indexes kept between sessions, keyed by what made them.
CACHE = Path(os.environ.get("NTRKFUSION_TEST_CACHE", ROOT / ".cache" / "tests"))


def shared_file(relative: str) -> Path:
    """A reference file from ../shared/data (never copied into the repository), or skip."""
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"needs ../shared/data/{relative} (public reference data, not bundled)")
    return path


def need_aligners() -> None:
    """Skip without STAR/HISAT2/bwa/minimap2, unless NTRKFUSION_REQUIRE_ALIGNERS=1 (CI), where it fails."""
    missing = [t for t in ("STAR", "hisat2", "bwa", "minimap2") if shutil.which(t) is None]
    if missing:
        message = f"needs {' and '.join(missing)} (Debian: rna-star, hisat2, bwa, minimap2)"
        if os.environ.get("NTRKFUSION_REQUIRE_ALIGNERS") == "1":
            pytest.fail(message + "; NTRKFUSION_REQUIRE_ALIGNERS=1 forbids skipping")
        pytest.skip(message)


def snakemake(workdir: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The workflow of this checkout run in ``workdir``."""
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"),
           "--directory", str(workdir), "--cores", "2", *args]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)


def project(folder: Path, rows: list[list], **config) -> Path:
    """A working directory with config/config.yaml and config/samples.tsv (rows: sample, bam,
    assay, tumour_content, dv200, panel_bed; missing cells empty)."""
    (folder / "config").mkdir(parents=True, exist_ok=True)
    header = ["sample", "bam", "assay", "tumour_content", "dv200", "panel_bed"]
    padded = [[("" if v is None or v != v else v) for v in list(r) + [""] * (len(header) - len(r))] for r in rows]
    lines = ["\t".join(header)] + ["\t".join(map(str, r)) for r in padded]
    (folder / "config/samples.tsv").write_text("\n".join(lines) + "\n")
    settings = {"samples": "config/samples.tsv", **{k: v if isinstance(v, int) else str(v) for k, v in config.items()}}
    (folder / "config/config.yaml").write_text(yaml.safe_dump(settings))
    return folder


def example_rows() -> list[list]:
    sheet = pd.read_csv(EXAMPLE / "samples.tsv", sep="\t", keep_default_na=False)
    return [[r.sample, EXAMPLE / r.bam, r.assay, r.tumour_content, r.dv200, EXAMPLE / r.panel_bed if r.panel_bed else ""]
            for r in sheet.itertuples()]  # fmt: skip


def samtools_count(bam: Path, region: str) -> int:
    """Primary, mapped, non-QC-fail reads counted by samtools (-F 0xB04: not unmapped, secondary,
    QC-fail or supplementary): an independent count to check ours against."""
    out = subprocess.run(["samtools", "view", "-c", "-F", "0xB04", str(bam), region],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return int(out.stdout)


def digest(paths: list[Path], extra: str = "") -> str:
    """A short key of files' contents (and ``extra``): equal keys, equal inputs."""
    h = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        h.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return h.hexdigest()[:16]


def once(folder: Path, names: list[str], build) -> None:
    """Make ``folder/<name>`` with ``build(name, folder/<name>)`` for each name, exactly once
    whatever the number of processes doing the same: each takes the names no other is working on
    first, then waits for the rest.  A name is done when its ``.done`` marker exists."""
    folder.mkdir(parents=True, exist_ok=True)

    def attempt(name: str, blocking: bool) -> None:
        done = folder / f"{name}.done"
        if done.exists():
            return
        with locked(folder / f"{name}.lock", blocking) as mine:
            if mine and not done.exists():
                build(name, folder / name)
                done.touch()

    for name in names:
        attempt(name, blocking=False)
    for name in names:
        attempt(name, blocking=True)
