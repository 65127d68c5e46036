"""Checks on one sample's alignment file, before any job runs.

Everything here reads the header, the index's existence and the last 28 bytes of
the file: no alignment record is read, so checking a cohort is quick.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pysam

from .errors import UserError
from .genome import BuildCall, resolve_build
from .samplesheet import Sample

# An empty BGZF block: every complete BAM ends with it (SAM/BAM spec, section 4.1.2).
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


@dataclass(frozen=True)
class BamInfo:
    """What the workflow needs to know about one sample's alignment file."""

    sample: str
    assay: str
    bam: str
    index: str
    build: str
    chr_prefix: bool
    build_evidence: str
    sort_order: str
    aligner: str

    def to_dict(self) -> dict:
        return asdict(self)


def find_index(bam: Path) -> Path | None:
    """The index next to a BAM/CRAM (.bai, .csi, .crai; with or without the extension)."""
    suffixes = (".crai",) if bam.suffix == ".cram" else (".bai", ".csi")
    for suffix in suffixes:
        for candidate in (Path(str(bam) + suffix), bam.with_suffix(suffix)):
            if candidate.is_file():
                return candidate
    return None


def inspect_sample(
    sample: Sample,
    reference: str | None = None,
    genome_build: str | None = None,
    custom_annotation: bool = False,
) -> BamInfo:
    """Check one sample's BAM/CRAM and recognise its build; raise UserError with one line."""
    name, bam = sample.sample, sample.bam

    def fail(problem: str) -> UserError:
        return UserError(f"sample {name}: {problem}")

    if not bam.is_file():
        raise fail(f"alignment file not found: {bam}")
    if sample.is_cram and not reference:
        raise fail(f"{bam.name} is a CRAM; set `reference` in the config to its genome FASTA")
    if sample.panel_bed is not None and not sample.panel_bed.is_file():
        raise fail(f"panel_bed not found: {sample.panel_bed}")
    index = find_index(bam)
    if index is None:
        raise fail(f"no index for {bam.name}; create one with `samtools index {bam}`")
    if index.stat().st_mtime < bam.stat().st_mtime:
        raise fail(f"index {index.name} is older than {bam.name}; re-create it with `samtools index`")
    if not sample.is_cram and not _has_bgzf_eof(bam):
        raise fail(f"{bam.name} is truncated (no BGZF end-of-file block); copy or re-create it")
    header = _read_header(bam, reference, fail)
    sort_order = header.get("HD", {}).get("SO", "unknown")
    if sort_order in ("unsorted", "queryname"):
        raise fail(
            f"{bam.name} is not coordinate-sorted (@HD SO:{sort_order}); "
            "sort it with `samtools sort` and index it"
        )
    lengths = {sq["SN"]: sq["LN"] for sq in header.get("SQ", [])}
    call: BuildCall = resolve_build(name, lengths, genome_build, custom_annotation)
    return BamInfo(
        sample=name,
        assay=sample.assay,
        bam=str(bam),
        index=str(index),
        build=call.build,
        chr_prefix=call.chr_prefix,
        build_evidence=call.evidence,
        sort_order=sort_order,
        aligner=_aligner(header),
    )


def inspect_samples(samples: list[Sample], **options) -> list[BamInfo]:
    """Inspect every sample; raise one UserError listing every failing sample."""
    infos, problems = [], []
    for sample in samples:
        try:
            infos.append(inspect_sample(sample, **options))
        except UserError as err:
            problems += err.problems
    if problems:
        raise UserError(problems)
    return infos


def _has_bgzf_eof(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        if fh.tell() < len(BGZF_EOF):
            return False
        fh.seek(-len(BGZF_EOF), 2)
        return fh.read() == BGZF_EOF


def _read_header(bam: Path, reference: str | None, fail) -> dict:
    try:
        with pysam.AlignmentFile(str(bam), reference_filename=reference, check_sq=False) as fh:
            return fh.header.to_dict()
    except (ValueError, OSError) as err:
        raise fail(f"{bam.name} cannot be read as BAM/CRAM ({err})") from None


def _aligner(header: dict) -> str:
    programs = [pg.get("PN") or pg.get("ID", "") for pg in header.get("PG", [])]
    return programs[0] if programs else "unknown"
