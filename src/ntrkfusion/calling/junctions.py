"""Sides of a junction and the geometry of split alignments.

A junction joins two *sides*.  A side is a genomic position and which way the kept
sequence lies from it: ``keep="left"`` means the molecule keeps the bases up to ``pos``
(the junction is just after it); ``keep="right"`` that it keeps the bases from ``pos`` on.
With the strand of the gene at a side, this says whether the gene is the 5' or the 3'
partner: a + strand gene keeping its left part keeps its 5' end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CIGAR = re.compile(r"(\d+)([MIDNSHP=X])")
QUERY_OPS, REF_OPS = set("MIS=X"), set("MDN=X")


@dataclass(frozen=True)
class Side:
    chrom: str  # as in the BAM
    pos: int  # 1-based
    keep: str  # "left" or "right"

    def role(self, strand: str) -> str:
        """'5' if a gene on ``strand`` keeps its 5' end on this side, else '3'."""
        return "5" if (self.keep == "left") == (strand == "+") else "3"


@dataclass(frozen=True)
class Segment:
    """One alignment of a read: where it lies on the genome and on the read."""

    chrom: str
    start: int  # 1-based first aligned base
    end: int  # 1-based last aligned base
    reverse: bool
    qstart: int  # interval of the read, in the read's own orientation
    qend: int
    mapq: int

    @property
    def aligned(self) -> int:
        """Read bases in this alignment (the anchor a junction hangs on)."""
        return self.qend - self.qstart

    def three_prime_side(self) -> Side:
        """The side at the end of this segment that comes last in the read."""
        return Side(self.chrom, self.end, "left") if not self.reverse else Side(self.chrom, self.start, "right")

    def five_prime_side(self) -> Side:
        return Side(self.chrom, self.start, "right") if not self.reverse else Side(self.chrom, self.end, "left")


def parse_cigar(cigar: str) -> list[tuple[int, str]]:
    return [(int(n), op) for n, op in CIGAR.findall(cigar)]


def segment_from_cigar(chrom: str, start: int, cigar: list[tuple[int, str]], reverse: bool, mapq: int) -> Segment:
    """A segment from a 1-based start, CIGAR (length, op) pairs and strand."""
    ref_len = sum(n for n, op in cigar if op in REF_OPS)
    total = sum(n for n, op in cigar if op in QUERY_OPS or op == "H")
    lead = 0
    for n, op in cigar:
        if op not in "SH":
            break
        lead += n
    aligned = sum(n for n, op in cigar if op in QUERY_OPS and op != "S")
    qstart, qend = lead, lead + aligned
    if reverse:
        qstart, qend = total - qend, total - qstart
    return Segment(chrom, start, start + ref_len - 1, reverse, qstart, qend, mapq)


def segment_of(read) -> Segment:
    cigar = [(n, "MIDNSHP=X"[op]) for op, n in read.cigartuples]
    return segment_from_cigar(read.reference_name, read.reference_start + 1, cigar, read.is_reverse,
                              read.mapping_quality)  # fmt: skip


def sa_segments(read) -> list[Segment]:
    """The other alignments of a read, from its SA tag."""
    out = []
    for entry in read.get_tag("SA").rstrip(";").split(";"):
        chrom, pos, strand, cigar, mapq, _ = entry.split(",")
        out.append(segment_from_cigar(chrom, int(pos), parse_cigar(cigar), strand == "-", int(mapq)))
    return out


def split_junctions(segments: list[Segment]) -> list[tuple[Side, Side]]:
    """Junctions between consecutive alignments of one read, in read order."""
    ordered = sorted(segments, key=lambda s: (s.qstart, s.qend))
    return [(a.three_prime_side(), b.five_prime_side()) for a, b in zip(ordered, ordered[1:])]


def homology(a: Segment, b: Segment) -> int:
    """Read bases claimed by two consecutive alignments of a read (``a`` before ``b`` in the
    read): the microhomology at their junction, which either partner could own."""
    return max(0, a.qend - b.qstart)
