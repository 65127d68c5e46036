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
    "calling": ("genome_build", "reference", "annotation_gtf", "ntrk_padding", "strict_identity", "panel_of_normals",
                "calling", "umi"),
    "result": ("genome_build", "reference", "annotation_gtf", "housekeeping_genes", "qc", "calling.min_fragments",
               "calling.min_fragments_cfdna", "calling.min_mapq", "umi"),  # fmt: skip
}
FILE_KEYS = ("reference", "annotation_gtf", "panel_of_normals", "housekeeping_genes")


def stage_settings(config: dict, stage: str) -> dict:
    """The settings one stage reads, with the fingerprints of the files they name."""
    out = {}
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


def inputs_fingerprint(fingerprint: dict) -> str:
    """One string for a sample's file fingerprints (BamInfo.fingerprint), for a rule's params."""
    return " ".join(f"{k}={v}" for k, v in sorted(fingerprint.items()))
