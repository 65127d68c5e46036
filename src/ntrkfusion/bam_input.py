"""Checks on one sample's alignment file, before any job runs, in the order a person would fix
them: exists -> format -> complete -> readable header and sort order -> index present, fresh
and matching -> genome build -> identity -> reference.  The first problem of a file is
reported, as one line naming the sample; the advice never points at a later step (a truncated
or text file is not told to be indexed).

Everything here reads the header, the index's first bytes and a few bytes at each end of the
file, plus one indexed probe of each NTRK locus: checking a cohort is quick.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pysam

from . import alignment_file as af
from .aligners import aligner, assay_warning, evidence_warning
from .aligners import long_reads as is_long
from .bed import bed_problem
from .errors import UserError
from .genome import BuildCall, resolve_build
from .records import BamInfo
from .reference import Reference
from .samplesheet import Sample


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
    strict_identity: bool = False,
    long_reads: object = "auto",
    ref: Reference | None = None,
    probe: bool = True,
) -> BamInfo:
    """Check one sample's BAM/CRAM and recognise its build; raise UserError with one line.
    ``probe=False`` leaves out the indexed read of the NTRK loci (it loads the whole index: the
    workflow does it in each sample's first job, so that planning a cohort stays quick).
    ``long_reads``: auto (from ``@PG``), true or false (config ``long_reads``)."""
    name, bam = sample.sample, sample.bam

    def fail(problem: str) -> UserError:
        return UserError(f"sample {name}: {problem}")

    if not bam.is_file():
        raise fail(f"alignment file not found: {bam}")
    kind = _format(bam, fail)
    if kind == "cram" and not reference:
        raise fail(f"{bam.name} is a CRAM; give its genome FASTA (`reference` in the config; "
                   "--reference on the command line)")
    if not af.is_complete(bam, kind):
        marker = "BGZF end-of-file block" if kind == "bam" else "CRAM end-of-file container"
        raise fail(f"{bam.name} is truncated (no {marker}); copy or re-create it")
    if sample.panel_bed is not None and bed_problem(sample.panel_bed, sample.assay):
        raise fail(bed_problem(sample.panel_bed, sample.assay))
    header = _read_header(bam, reference, fail)
    sort_order = header.get("HD", {}).get("SO", "unknown")
    if sort_order in ("unsorted", "queryname"):
        raise fail(
            f"{bam.name} is not coordinate-sorted (@HD SO:{sort_order}); "
            "sort it with `samtools sort` and index it"
        )
    index = _checked_index(bam, header, fail)
    lengths = {sq["SN"]: sq["LN"] for sq in header.get("SQ", [])}
    call: BuildCall = resolve_build(name, lengths, genome_build, custom_annotation)
    if probe and not custom_annotation:  # a custom annotation is built by a job: probed there
        probe_loci(bam, index, reference, ntrk_loci(call.build, tuple(lengths)), name)
    warnings = []
    if ref is None and reference:
        ref = Reference.open(reference)
    if ref is not None:
        problem, warning = ref.matches(header, kind == "cram")
        if problem:
            raise fail(problem)
        warnings += [warning] if warning else []
    groups, identity = _identity(name, header, strict_identity, fail)
    warnings += [identity] if identity else []
    found = aligner(header)
    for warning in (assay_warning(found, sample.assay), evidence_warning(found, sample.assay, reference)):
        warnings += [warning] if warning else []
    return BamInfo(
        sample=name, assay=sample.assay, bam=str(bam), index=str(index), build=call.build,
        chr_prefix=call.chr_prefix, build_evidence=call.evidence, sort_order=sort_order,
        aligner=found.name, long_reads=is_long(found, long_reads),
        fingerprint=_fingerprints(bam, index, sample.panel_bed),
        read_group_samples=groups, warnings=tuple(warnings),
    )  # fmt: skip


def _fingerprints(bam: Path, index: Path, panel_bed: Path | None) -> dict:
    """What a result depends on in the sheet's row, fingerprinted: the file, its index and the
    panel's BED (a BED replaced by an older one re-runs the sample, as a BAM does)."""
    out = {"alignments": af.fingerprint(bam), "index": af.fingerprint(index)}
    if panel_bed is not None:
        out["panel_bed"] = af.fingerprint(panel_bed)
    return out


def inspect_samples(samples: list[Sample], reference: str | None = None, **options) -> list[BamInfo]:
    """Inspect every sample; raise one UserError listing every failing sample (and the reference)."""
    ref = Reference.open(reference) if reference else None  # its own problems first, once
    infos, problems, refused = [], [], []
    for sample in samples:
        try:
            infos.append(inspect_sample(sample, reference=reference, ref=ref, **options))
        except UserError as err:
            problems += err.problems
            refused.append(sample.sample)
    if problems:
        raise UserError(problems, samples=tuple(refused))
    return infos


def _format(bam: Path, fail) -> str:
    """'bam' or 'cram', from the file's first bytes (not its name), or a UserError saying what it is."""
    kind = af.sniff(bam)
    named = bam.suffix.lstrip(".").lower()
    if kind in ("bam", "cram"):
        if kind != named:
            raise fail(f"{bam.name} is a {kind.upper()} file but named .{named}; rename it to .{kind}")
        if kind == "cram" and (af.cram_version(bam) or 3) < 3:
            raise fail(f"{bam.name} is CRAM version {af.cram_version(bam)}; convert it to CRAM 3 or BAM")
        return kind
    what = {
        "sam": "a SAM text file, not BAM; convert it with `samtools sort -o x.bam` and index it",
        "gzip": "gzip-compressed but not BGZF (not a BAM); was it compressed with gzip?",
        "bgzf": "BGZF-compressed but not BAM (another format, e.g. VCF or FASTQ)",
        "empty": "empty (0 bytes)",
        "text": "a text file, not a BAM or CRAM file",
        "other": "not a BAM or CRAM file (unrecognised content)",
    }[kind]
    raise fail(f"{bam.name} is {what}")


def _read_header(bam: Path, reference: str | None, fail) -> dict:
    try:
        with pysam.AlignmentFile(str(bam), reference_filename=reference, check_sq=False) as fh:
            return fh.header.to_dict()
    except (ValueError, OSError) as err:
        raise fail(f"{bam.name} cannot be read as BAM/CRAM ({err})") from None


def _checked_index(bam: Path, header: dict, fail) -> Path:
    """The index: present, not older than the file, made for it (same number of references,
    and it finds records where it says they are)."""
    index = find_index(bam)
    if index is None:
        raise fail(f"no index for {bam.name}; create one with `samtools index {bam}`")
    if index.stat().st_mtime < bam.stat().st_mtime:
        raise fail(f"index {index.name} is older than {bam.name}; re-create it with `samtools index {bam}`")
    n_ref = af.index_reference_count(index)
    if n_ref is not None and n_ref != len(header.get("SQ", [])):
        raise fail(f"index {index.name} was made for another file ({n_ref} reference sequences, the header has "
                   f"{len(header.get('SQ', []))}); re-create it with `samtools index {bam}`")  # fmt: skip
    return index


def probe_loci(bam: Path, index: Path, reference: str | None, regions, sample: str) -> None:
    """Read the first records of each NTRK locus through the index: a stale or foreign index, or
    a corrupt block there, shows here as one line instead of a traceback inside a job."""
    try:
        with pysam.AlignmentFile(str(bam), index_filename=str(index), reference_filename=reference) as fh:
            probe_open(fh, regions, bam, index, sample)
    except (OSError, ValueError) as err:
        raise _unreadable(sample, bam, index, err) from None


def probe_open(fh: pysam.AlignmentFile, regions, bam: Path, index: Path, sample: str) -> None:
    """``probe_loci`` through an alignment file already open (a job opens its BAM once)."""
    try:
        for region in regions:
            for n, read in enumerate(fh.fetch(region.contig, region.start, region.end)):
                if read.reference_name != region.contig or read.reference_start >= region.end:
                    raise OSError(f"the index points {region} at a record on "
                                  f"{read.reference_name}:{read.reference_start + 1}")  # fmt: skip
                if n >= 20:
                    break
    except (OSError, ValueError) as err:
        raise _unreadable(sample, Path(bam), Path(index), err) from None


def _unreadable(sample: str, bam: Path, index: Path, err: Exception) -> UserError:
    return UserError(f"sample {sample}: {bam.name} cannot be read in the NTRK loci: {why_unreadable(bam, index, err)}")


def why_unreadable(bam: Path, index: Path, err: Exception) -> str:
    """Why reading ``bam`` through ``index`` failed, in words, with what to do: a corrupt block
    (found by decompressing every block), else an index that does not match the file; pysam's own
    words ("Closing failed: Success") only as the last resort."""
    if bam.suffix == ".bam" and bam.is_file():
        offset = af.first_bad_block(bam)
        if offset is not None:
            return (f"the BGZF block at byte offset {offset:,} cannot be decompressed (the file is corrupt); "
                    "copy it again from its source, or re-create it")  # fmt: skip
        return (f"the index {index.name} does not match this file (every block of the file is sound: the index "
                f"was made for another file); re-create it with `samtools index {bam}`")  # fmt: skip
    return f"it cannot be read through {index.name} ({err}); re-create the index with `samtools index {bam}`"


@lru_cache(maxsize=64)
def ntrk_loci(annotation: str, contigs: tuple[str, ...]):
    """The NTRK gene spans of an annotation, named as in the alignment file (a cohort's files
    share a few headers: computed once per header)."""
    from .annotation import load_annotation
    from .genome import ContigNames
    from .loci import ntrk_regions

    return ntrk_regions(load_annotation(annotation), ContigNames(contigs), 0)


def _identity(name: str, header: dict, strict: bool, fail) -> tuple[tuple[str, ...], str | None]:
    """The SM tags of the read groups: several samples in one file is an error; one SM that is
    not the sheet's ID a warning (LIMS IDs often differ), or an error under ``strict_identity``."""
    tags = tuple(sorted({rg["SM"] for rg in header.get("RG", []) if rg.get("SM")}))
    if len(tags) > 1:
        raise fail(f"the file holds reads of {len(tags)} samples (read-group SM tags {', '.join(tags)}); "
                   "give each sample its own file")  # fmt: skip
    if tags and tags[0] != name:
        message = f"read groups name the sample {tags[0]!r}, the sheet {name!r}"
        if strict:
            raise fail(message + " (strict_identity is set)")
        return tags, message
    return tags, None


