"""The mates of discordant pairs, read in a few indexed fetches (never a scan of the BAM).

A discordant pair's NTRK record says where its mate lies; what the mate is, only the mate's own
record says: its mapping quality when the aligner wrote no MQ tag (STAR does not), and its
bases.  Mates that lie close together are read in one fetch of their span.
"""

from __future__ import annotations

import pysam

from ..vocabulary import EvidenceKind
from . import complexity
from .evidence import Evidence

MATE_BATCH = 2000  # mates this close are read in one indexed fetch


def add_mates(bam: pysam.AlignmentFile, evidence: list[Evidence]) -> None:
    """Read the mate of every discordant pair not yet set aside, a few indexed reads for all
    (mates within ``MATE_BATCH`` bases of each other are read together): fill in ``mapq_b`` when the
    aligner wrote no MQ tag (a mate in a repeat has MAPQ 0-3), and set aside pairs whose mate's
    aligned bases are poly(A), low complexity or adapter (``complexity``): placed anywhere."""
    pairs = sorted((ev for ev in evidence if ev.kind == EvidenceKind.DISCORDANT and not ev.set_aside),
                   key=lambda ev: (ev.side_b.chrom, ev.side_b.pos, ev.read_name))  # fmt: skip
    groups: list[list[Evidence]] = []
    for ev in pairs:
        last = groups[-1][-1] if groups else None
        if last is None or last.side_b.chrom != ev.side_b.chrom or ev.side_b.pos - groups[-1][0].side_b.pos > MATE_BATCH:
            groups.append([])
        groups[-1].append(ev)
    for group in groups:
        wanted = {(ev.read_name, ev.side_b.pos - 1): ev for ev in group}
        chrom, lo, hi = group[0].side_b.chrom, group[0].side_b.pos - 1, group[-1].side_b.pos
        found: dict[tuple[str, int], tuple[int, str]] = {}
        for mate in bam.fetch(chrom, lo, hi):
            key = (mate.query_name, mate.reference_start)
            if key in wanted and not (mate.is_secondary or mate.is_supplementary):
                found[key] = (mate.mapping_quality, mate.query_alignment_sequence or "")
        for key, ev in wanted.items():
            if key not in found:
                continue
            mapq, aligned = found[key]
            ev.mapq_b = mapq if ev.mapq_b is None else ev.mapq_b
            ev.set_aside = complexity.uninformative(aligned) or ""
