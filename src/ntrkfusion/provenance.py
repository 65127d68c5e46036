"""What a result was computed from: the inputs' fingerprints and the settings each stage used.

Snakemake re-runs a job when its output is older than its inputs, but a BAM replaced by
another with an older timestamp (``cp -p``, ``rsync -a``) or an edited threshold in
config.yaml changes no timestamp.  So each per-sample rule carries, as a parameter, the
fingerprint of the sample's files and a digest of the settings its stage reads; Snakemake's
``params`` re-run trigger then re-runs exactly the samples and stages a change affects.  The
same values are written into bam_info.json and qc.json, so a result says what it came from.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import alignment_file as af

# The config keys each stage reads ("section.key" for nested keys); files named by a key are
# fingerprinted too, so that editing the file counts as a change.
STAGE_KEYS = {
    "sample": ("genome_build", "reference", "annotation_gtf", "ntrk_padding", "strict_identity", "long_reads",
               "panel_of_normals",
               "housekeeping_genes", "interpretation", "calling", "qc", "umi"),  # fmt: skip
}
FILE_KEYS = ("reference", "annotation_gtf", "panel_of_normals", "housekeeping_genes", "interpretation")


def stage_settings(config: dict, stage: str) -> dict:
    """The settings one stage reads, with the fingerprints of the files they name, and the
    pipeline's version and table layout (an upgrade re-runs what it computed differently)."""
    from . import __version__
    from .records import FUSION_COLUMNS

    out = {"pipeline_version": __version__,
           "fusion_columns": hashlib.sha256(" ".join(FUSION_COLUMNS).encode()).hexdigest()[:12]}  # fmt: skip
    for key in STAGE_KEYS[stage]:
        section, _, sub = key.partition(".")
        value = config.get(section)
        out[key] = value.get(sub) if sub and isinstance(value, dict) else value
        if key in FILE_KEYS and value:
            out[key + ".fingerprint"] = file_fingerprint(value)
    return out


def settings_digest(config: dict, stage: str) -> str:
    """A short digest of ``stage_settings``: equal digests, equal settings."""
    text = json.dumps(stage_settings(config, stage), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def file_fingerprint(path: str | Path) -> str | None:
    """The fingerprint of a file and, for a FASTA, of its index; None if it does not exist."""
    path = Path(path)
    if not path.is_file():
        return None
    parts = [af.fingerprint(path)]
    fai = Path(str(path) + ".fai")
    if fai.is_file():
        parts.append(af.fingerprint(fai))
    return ":".join(parts)


# -- what a run was: run_info.json beside the tables, a provenance block in qc.json ------------


def pipeline() -> dict:
    """The pipeline's name and version, and its git commit when it runs from a checkout."""
    from . import __version__
    from .paths import WORKFLOW_FILES

    return {"name": "ntrkfusion", "version": __version__, "git": git_state(WORKFLOW_FILES)}


def git_state(root: Path) -> dict | None:
    """The checkout's commit and whether tracked files differ from it; None outside a checkout."""
    import shutil
    import subprocess

    if not (Path(root) / ".git").exists() or shutil.which("git") is None:
        return None

    def git(*args: str) -> str | None:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None
    return {"commit": commit, "modified": bool(git("status", "--porcelain", "--untracked-files=no"))}


def effective_config(config: dict) -> dict:
    """Every setting in effect: the config with the schema's defaults filled in."""
    from .config import with_defaults

    return with_defaults(config)


def config_digest(config: dict) -> str:
    """A digest of every setting in effect (equal digests: the same settings)."""
    text = json.dumps(effective_config(config), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def annotation_source(folder: str | Path) -> dict:
    """What an annotation folder was built from (its build.json), and its path."""
    info = Path(folder) / "build.json"
    record = json.loads(info.read_text()) if info.is_file() else {}
    return {"build": record.get("build"), "source": record.get("source"), "folder": str(folder)}


def now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def run_info(config: dict, samples: dict[str, dict], annotations: dict[str, str]) -> dict:
    """results/run_info.json: the pipeline, the date, every setting in effect and its digest,
    each genome build's annotation and each sample's inputs (``samples``: sample -> its
    bam_info record or BamInfo.to_dict())."""
    keep = ("assay", "bam", "index", "build", "aligner", "fingerprint", "warnings")
    return {
        "pipeline": pipeline(),
        "date": now(),
        "config_digest": config_digest(config),
        "config": effective_config(config),
        "annotation": {build: annotation_source(folder) for build, folder in sorted(annotations.items())},
        "samples": {s: {k: v for k, v in info.items() if k in keep} for s, info in sorted(samples.items())},
    }
