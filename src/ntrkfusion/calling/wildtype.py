"""Wild-type reads at each breakpoint, and the fusion fraction (Arriba's coverage at the
breakpoints; a structural variant's allele fraction in DNA).

A wild-type fragment at a breakpoint is one whose read runs through it as the unrearranged
genome or transcript does: it has ``ANCHOR`` aligned bases on both sides of the junction, either
contiguously (DNA, or RNA across an unspliced boundary) or spliced into or out of the boundary
(RNA: the gene's own exon joined to its own next exon).  Fusion reads end at the junction
(clipped or split), so they never count.  Primary, mapped, non-duplicate reads with MAPQ at least
``min_mapq``; counted as fragments (read names).  The BAM is read through its index at the two
breakpoints only.

``fusion_fraction`` = supporting fragments / (supporting + wild-type fragments at the NTRK side):
in RNA the share of the NTRK gene's transcripts there that are fused; in DNA an allele fraction,
about half the tumour content for a heterozygous rearrangement.
"""

from __future__ import annotations

import pandas as pd
import pysam

from ..genome import ContigNames, canonical_contig
from ..vocabulary import NTRK_GENES
from .describe import DOWNSTREAM

ANCHOR = 10  # aligned bases required on each side of the junction (Manta's minimum spanning anchor)
SKIP = 0x4 | 0x100 | 0x200 | 0x400 | 0x800  # unmapped, secondary, QC-fail, duplicate, supplementary


def boundary(pos: int, direction: str) -> int:
    """The junction as a 0-based position between bases: ``downstream`` keeps bases up to
    ``pos`` (1-based), ``upstream`` keeps bases from ``pos`` on."""
    return pos if direction == DOWNSTREAM else pos - 1


def runs_through(blocks: list[tuple[int, int]], b: int, anchor: int = ANCHOR) -> bool:
    """Do these aligned blocks (0-based, half-open, in order) run through the junction ``b``
    with ``anchor`` bases on each side, contiguously or spliced at ``b``?"""
    left = right = False
    for i, (s, e) in enumerate(blocks):
        if s <= b - anchor and e >= b + anchor:
            return True  # contiguous through the junction
        if e == b and e - s >= anchor:  # an exon's last bases, spliced on to later ones
            left |= i + 1 < len(blocks)
            right |= i + 1 < len(blocks) and blocks[i + 1][1] - blocks[i + 1][0] >= anchor
        if s == b and e - s >= anchor and i > 0:  # spliced in from earlier bases
            right = True
            left |= blocks[i - 1][1] - blocks[i - 1][0] >= anchor
    return left and right


def wild_type_fragments(bam: pysam.AlignmentFile, chrom: str, b: int, min_mapq: int) -> int:
    names = set()
    for read in bam.fetch(chrom, max(0, b - 1), b + 1):
        if read.flag & SKIP or read.mapping_quality < min_mapq or read.has_tag("SA"):
            continue
        if runs_through(read.get_blocks(), b):
            names.add(read.query_name)
    return len(names)


def add_wild_type(rows: list[dict], bam: pysam.AlignmentFile, min_mapq: int) -> None:
    """Add ``wild_type_fragments5``, ``wild_type_fragments3`` and ``fusion_fraction`` to each
    candidate row (None where a side is imprecise or its contig is not in the BAM)."""
    contigs = ContigNames(tuple(bam.references))
    for row in rows:
        for side in ("5", "3"):
            chrom, pos, direction = row.get(f"chrom{side}"), row.get(f"pos{side}"), row.get(f"direction{side}")
            chrom = contigs.to_bam(canonical_contig(chrom)) if isinstance(chrom, str) else None  # the BAM's name
            precise = chrom is not None and pos is not None and not pd.isna(pos) and isinstance(direction, str)
            row[f"wild_type_fragments{side}"] = (
                wild_type_fragments(bam, chrom, boundary(int(pos), direction), min_mapq) if precise else None
            )
        ntrk = "3" if row["gene3"] in NTRK_GENES else "5" if row["gene5"] in NTRK_GENES else None
        wild, fused = (row[f"wild_type_fragments{ntrk}"] if ntrk else None), int(row["supporting_fragments"])
        row["fusion_fraction"] = None if wild is None or fused + wild == 0 else round(fused / (fused + wild), 4)
