"""A lab's own annotation (config ``annotation_gtf``), checked against the BAMs before any job.

A GTF that lacks a coding NTRK gene, or that belongs to another assembly than the BAMs, would
otherwise fail inside a job or, worse, give calls at the wrong places.  So before the job graph
is built: NTRK1, NTRK2 and NTRK3 must each have a transcript with CDS; their contigs must be in
every BAM's header (``chr1`` and ``1`` are one name); no feature may lie beyond the end of its
contig in a BAM (the mark of another assembly); and a GTF whose header names its assembly
(Ensembl's ``#!genome-build GRCh38.p14``, GENCODE's ``##description: ... (GRCh38)``) must not
name another one than a BAM whose header is GRCh37 or GRCh38.

Reading a whole GENCODE GTF takes a few seconds; its summary is kept beside the custom tables,
keyed by the file's fingerprint, so a rerun does not read it again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pysam

from ..alignment_file import fingerprint
from ..errors import UserError
from ..genome import canonical_contig, detect_build
from ..io import atomic_write
from ..vocabulary import NTRK_GENES
from .gtf import records


BUILD_NAMES = {"GRCh38": "GRCh38", "hg38": "GRCh38", "GRCh37": "GRCh37", "hg19": "GRCh37"}
BUILD_IN_COMMENT = re.compile(r"\b(GRCh38|GRCh37|hg38|hg19)")


def named_build(path: Path) -> str | None:
    """The assembly a GTF/GFF3 names in its leading comment lines (GRCh37 or GRCh38), if any."""
    from .gtf import _open

    with _open(path) as fh:
        for line in fh:
            if not line.startswith("#"):
                return None
            found = BUILD_IN_COMMENT.search(line)
            if found:
                return BUILD_NAMES[found.group(1)]
    return None


def summarise(gtf: Path) -> dict:
    """Contig -> furthest feature end, per NTRK gene its contig and whether it has CDS, and the
    assembly the file names."""
    ends: dict[str, int] = {}
    ntrk: dict[str, dict] = {}
    for fields, attrs in records(gtf):
        chrom, end = canonical_contig(fields[0]), int(fields[4])
        if end > ends.get(chrom, 0):
            ends[chrom] = end
        name = (attrs.get("gene_name") or [""])[0]
        if name in NTRK_GENES:
            gene = ntrk.setdefault(name, {"contig": chrom, "cds": False})
            gene["cds"] = gene["cds"] or fields[2] == "CDS"
    return {"contig_ends": dict(sorted(ends.items())), "ntrk": dict(sorted(ntrk.items())), "build": named_build(gtf)}


def cached_summary(gtf: Path, cache: Path) -> tuple[dict, str]:
    """``summarise(gtf)`` and the GTF's fingerprint; the summary is read from ``cache`` when
    the GTF has not changed since it was written."""
    stamp = fingerprint(gtf)
    if cache.is_file():
        kept = json.loads(cache.read_text())
        if kept.get("fingerprint") == stamp:
            return kept["summary"], stamp
    try:
        return summarise(gtf), stamp
    except (OSError, UnicodeDecodeError, EOFError, ValueError, IndexError) as err:
        raise UserError(f"annotation_gtf {gtf}: cannot be read as GTF or GFF3 ({err})") from None


def problems(gtf: Path, summary: dict, headers: dict[str, dict[str, int]]) -> list[str]:
    """One line per problem; ``headers``: sample -> its BAM's contig lengths."""
    out = []
    genes = summary["ntrk"]
    if not summary["contig_ends"]:
        return [f"annotation_gtf {gtf}: no features found (not a GTF or GFF3 file?)"]
    missing = [g for g in NTRK_GENES if g not in genes]
    no_cds = [g for g in NTRK_GENES if g in genes and not genes[g]["cds"]]
    if missing:
        out.append(f"annotation_gtf {gtf}: no {', '.join(missing)} (gene_name); an NTRK gene must be annotated to be tested")
    if no_cds:
        out.append(f"annotation_gtf {gtf}: {', '.join(no_cds)} without CDS features; frame and kinase domain need them")
    for sample, lengths in sorted(headers.items()):
        bam = {canonical_contig(c): n for c, n in lengths.items()}
        absent = sorted({genes[g]["contig"] for g in genes} - set(bam))
        if absent:
            out.append(f"sample {sample}: contig {', '.join(absent)} of the NTRK genes in annotation_gtf is not in the "
                       "BAM header: the GTF and the BAM are of different assemblies")  # fmt: skip
            continue
        header_build = detect_build(lengths).build
        if summary.get("build") and header_build and header_build != summary["build"]:
            out.append(f"sample {sample}: the BAM header is {header_build} but annotation_gtf is {summary['build']} "
                       "(its header says so): the GTF and the BAM are of different assemblies")  # fmt: skip
            continue
        beyond = [(c, e, bam[c]) for c, e in summary["contig_ends"].items() if c in bam and e > bam[c]]
        if beyond:
            c, e, n = beyond[0]
            out.append(f"sample {sample}: annotation_gtf has features on {c} up to {e:,} but the BAM's {c} has "
                       f"{n:,} bases: the GTF and the BAM are of different assemblies")  # fmt: skip
    return out


def check(gtf: str | Path, bams: dict[str, tuple[str, str | None]], cache: Path) -> None:
    """Raise a UserError (one line per problem) unless the GTF fits every BAM; ``bams``:
    sample -> (alignment file, reference or None)."""
    gtf = Path(gtf)
    if not gtf.is_file():
        raise UserError(f"annotation_gtf {gtf}: file not found")
    summary, stamp = cached_summary(gtf, cache)
    headers = {}
    for sample, (path, reference) in bams.items():
        with pysam.AlignmentFile(path, reference_filename=reference) as bam:
            headers[sample] = dict(zip(bam.references, bam.lengths))
    found = problems(gtf, summary, headers)
    if found:  # nothing is written: a failed check leaves no file behind
        raise UserError(found)
    atomic_write(cache, json.dumps({"fingerprint": stamp, "summary": summary}, indent=1, sort_keys=True) + "\n")
