"""A gene's own splicing, and other junctions inside one NTRK gene: not fusions.

STAR and HISAT2 write a spliced read as one record with an ``N`` gap, but BWA-MEM (how
anchored-PCR and capture RNA panels are often aligned) and other unspliced aligners write
it as a split read (``SA``) or, when one exon's part is short, as a soft clip.  On a real
anchored-multiplex RNA panel (SplitFusion Lib001, BWA-MEM) such reads were 195 "candidates".
They are recognised here exactly:

* a split or gapped read joining an exon end of a gene to a later exon start of the same gene
  (within ``snap`` bases: the aligner may shift a junction by a few matching bases);
* a soft clip at an NTRK exon boundary whose sequence is the gene's own neighbouring exon:
  read from the reference's exon-boundary table, or, without a reference, from the consensus
  of the reads over the gene's exons (the reads already fetched show the exon sequence);
* any other junction with both sides in one NTRK gene is intragenic: no partner, so no fusion.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pysam

from ..vocabulary import EvidenceKind, RNA
from ..annotation import Annotation
from ..genome import ContigNames
from .clips import BOUNDARY_COLUMNS, WINDOW, ExonBoundaryIndex, boundaries_of_transcript, clip_in_transcript_orientation
from .evidence import Evidence, SetAside
from .junctions import Side


# How far from an annotated exon boundary a split alignment of the gene's own splicing may be
# put.  BWA-MEM extends each part of a split read while bases match, so both parts often reach
# several bases past the boundary (seen up to 7 on SplitFusion Lib001, with one mismatch), and
# alternative acceptors such as NAGNAG sit 3 bases apart.  Only same-gene junctions are judged
# here, and all of them are set aside anyway: the tolerance only decides their label.
SPLICE_TOLERANCE = 10


def in_transcript_order(ann: Annotation, gene: str, a: Side, b: Side) -> bool:
    """Do two sides join an exon end of ``gene`` to a later exon start of it (its own splicing)?"""
    strand = ann.transcript(gene)["strand"]
    if a.role(strand) == b.role(strand):
        return False
    donor, acceptor = (a, b) if a.role(strand) == "5" else (b, a)
    ends = [n for n, p in ann.exon_ends(gene).items() if abs(p - donor.pos) <= SPLICE_TOLERANCE]
    starts = [n for n, p in ann.exon_starts(gene).items() if abs(p - acceptor.pos) <= SPLICE_TOLERANCE]
    return any(m > n for n in ends for m in starts)


def set_aside_same_gene(evidence: list[Evidence], ann: Annotation, spans: dict[str, tuple[str, int, int]],
                        assay: str) -> None:  # fmt: skip
    """Mark split and gapped records whose both sides lie in their NTRK gene."""
    for ev in evidence:
        if ev.set_aside or ev.side_b is None or ev.kind == EvidenceKind.DISCORDANT:
            continue
        contig, lo, hi = spans[ev.region]
        b = ev.side_b
        if b.chrom != contig or not lo <= b.pos <= hi:
            continue
        splice = assay == RNA and in_transcript_order(ann, ev.region, ev.side_a, b)
        ev.set_aside = SetAside.NORMAL_SPLICING if splice else SetAside.INTRAGENIC


def set_aside_spliced_clips(evidence: list[Evidence], ann: Annotation, index: ExonBoundaryIndex, snap: int) -> None:
    """Mark RNA clips at an NTRK exon boundary whose sequence is the same gene's other exon."""
    for ev in evidence:
        if ev.kind != EvidenceKind.CLIP or ev.set_aside or ev.side_b is not None:
            continue
        gene = ev.region
        strand = ann.transcript(gene)["strand"]
        ntrk_is_3prime = ev.side_a.role(strand) == "3"
        bounds = (ann.exon_starts if ntrk_is_3prime else ann.exon_ends)(gene)
        numbers = {p: n for n, p in bounds.items()}
        for pos, clip in shifts_at_boundary(ev.side_a, ev.clip_seq, ev.anchor_seq, numbers, snap):
            number = numbers[pos]
            hits = index.partner(clip_in_transcript_orientation(clip, strand), partner_is_5prime=ntrk_is_3prime)
            if any(h.gene == gene and (h.exon < number if ntrk_is_3prime else h.exon > number) for h in hits):
                ev.set_aside = SetAside.NORMAL_SPLICING
                break


def shifts_at_boundary(side: Side, clip_seq: str, anchor_seq: str, bounds, snap: int):
    """Each (position, clip) that giving back 0..``snap`` aligned bases next to the clip puts on one
    of ``bounds`` (exon boundaries), fewest first: the aligner may have extended the alignment
    across the junction by bases that happen to match there (often the AG of a splice acceptor)."""
    for shift in range(0, snap + 1):
        pos, clip = shift_clip(side, clip_seq, anchor_seq, shift)
        if clip is not None and pos in bounds:
            yield pos, clip


def shift_clip(side: Side, clip_seq: str, anchor_seq: str, shift: int) -> tuple[int, str | None]:
    """The aligned side's position and clipped sequence when ``shift`` aligned bases next to the
    clip (``anchor_seq``) are given back to it; None when the anchor is too short."""
    if side.keep == "left":
        pos, clip = side.pos - shift, (anchor_seq[-shift:] if shift else "") + clip_seq
    else:
        pos, clip = side.pos + shift, clip_seq + anchor_seq[:shift]
    return pos, (clip if len(clip) - len(clip_seq) == shift else None)


def consensus_boundaries(bam: pysam.AlignmentFile, ann: Annotation, contigs: ContigNames,
                         genes: tuple[str, ...]) -> pd.DataFrame:  # fmt: skip
    """The exon-boundary table of ``genes`` (as ``clips.boundary_table``), with each exon's
    sequence read from the consensus of the aligned bases over it: no reference needed.
    Bases without coverage are N, and boundaries whose key holds an N are left out."""
    rows = []
    for gene in genes:
        exons = ann.exons(gene)
        contig = contigs.to_bam(exons["chrom"].iat[0])
        if contig is None:
            continue
        sequence = _ConsensusSequence(bam, contig, _boundary_windows(exons["start"], exons["end"]))
        cols = {c: exons[c].to_numpy() for c in ("gene", "strand", "start", "end", "exon_number")}
        rows += boundaries_of_transcript(exons["chrom"].iat[0], cols, sequence)
    return pd.DataFrame(rows, columns=BOUNDARY_COLUMNS)


def _boundary_windows(starts, ends):
    """The first and last WINDOW bases of each exon: all a boundary table reads (a short exon
    whole), so deep 3' UTRs are not piled up for nothing."""
    for start, end in zip(map(int, starts), map(int, ends)):
        if end - start <= 2 * WINDOW:
            yield start, end
        else:
            yield start, start + WINDOW
            yield end - WINDOW, end


class _ConsensusSequence:
    """The majority base at each position of a few intervals, sliceable like a string."""

    def __init__(self, bam: pysam.AlignmentFile, contig: str, intervals):
        self.bases: dict[int, str] = {}
        for start, end in intervals:
            counts = np.asarray(bam.count_coverage(contig, int(start), int(end), quality_threshold=0))
            best = counts.argmax(axis=0)
            covered = counts.sum(axis=0) > 0
            for offset in np.flatnonzero(covered):
                self.bases[int(start) + int(offset)] = "ACGT"[best[offset]]

    def __getitem__(self, span: slice) -> str:
        return "".join(self.bases.get(p, "N") for p in range(span.start, span.stop))


def set_aside_counts(evidence: list[Evidence]) -> dict[str, int]:
    """Records set aside, by reason (for qc.json)."""
    counts = Counter(ev.set_aside for ev in evidence if ev.set_aside)
    return {str(k): counts[k] for k in sorted(counts)}
