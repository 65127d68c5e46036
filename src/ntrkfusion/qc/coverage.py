"""Unique per-base depth through the BAM index, and fragment-level de-duplication.

Duplicates are reads flagged 0x400, and reads whose fragment (position, mate position, strand)
was already seen in the same region: many pipelines do not mark duplicates.
"""

from __future__ import annotations

import numpy as np
import pysam


class UniqueReads:
    """A pysam read callback that keeps primary, non-duplicate reads, once per fragment key."""

    def __init__(self):
        self.seen: set = set()
        self.decided: dict = {}  # a read met again (next exon, next region) keeps its verdict
        self.total = 0
        self.duplicates = 0

    def __call__(self, read: pysam.AlignedSegment) -> bool:
        if read.is_unmapped or read.is_secondary or read.is_supplementary or read.is_qcfail:
            return False
        ident = (read.query_name, read.is_read1)
        if ident in self.decided:
            return self.decided[ident]
        self.total += 1
        key = (read.reference_id, read.reference_start, read.next_reference_start, read.is_reverse,
               read.is_read1)  # fmt: skip
        keep = not (read.is_duplicate or key in self.seen)
        self.duplicates += not keep
        self.seen.add(key)
        self.decided[ident] = keep
        return keep

    @property
    def duplicate_rate(self) -> float | None:
        return self.duplicates / self.total if self.total else None


def depth(bam: pysam.AlignmentFile, contig: str, start: int, end: int, keep=None) -> np.ndarray:
    """Unique depth at each base of [start, end) (0-based), all base qualities counted."""
    keep = keep or UniqueReads()
    if end <= start:
        return np.zeros(0, dtype=np.int64)
    arrays = bam.count_coverage(contig, start, end, quality_threshold=0, read_callback=keep)
    return np.sum(np.asarray(arrays, dtype=np.int64), axis=0)


def transcript_depth(bam: pysam.AlignmentFile, contig: str, exons, strand: str, keep=None) -> np.ndarray:
    """Depth along a transcript, 5'->3' (exons as (start, end) 0-based, any order)."""
    keep = keep or UniqueReads()
    parts = [depth(bam, contig, s, e, keep) for s, e in sorted(exons)]
    joined = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return joined[::-1] if strand == "-" else joined
