"""Name the partner of a soft-clipped junction from exon-boundary sequences (RNA).

In a fused transcript, the clipped part of an NTRK read is the partner's spliced sequence
right up to (5' partner) or right from (3' partner) an exon boundary.  So the partner is
found by looking the clip up among the sequences that end at every exon end, and start at
every exon start, of every transcript model, read from the reference FASTA.

Why not realign the clip with minimap2 (mappy)?  Measured on the simulator's reference:
minimap2's short-read preset placed none of the 15-30 bp clips (the usual length here) and
its index took 2.6 GB; a whole human genome needs several GB per job.  This lookup uses the
annotation the caller already has, and a few MB.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pysam

from ..annotation import Annotation
from ..genome import ContigNames
from ..sequence import revcomp

KEY = 12  # bases next to the junction used as the look-up key
WINDOW = 60  # bases of spliced sequence stored on each side of every exon boundary


@dataclass(frozen=True)
class BoundaryHit:
    gene: str
    exon: int
    chrom: str  # canonical (chr-prefixed)
    pos: int  # 1-based: the exon's last base (5' partner) or first base (3' partner)
    strand: str


BOUNDARY_COLUMNS = ["side", "key", "seq", "gene", "exon", "chrom", "pos", "strand"]


def boundary_table(annotation: Annotation, reference: str) -> pd.DataFrame:
    """The spliced sequence before every exon end and after every exon start, for every
    transcript model, read from the reference one contig at a time (a few MB, built once)."""
    exons = annotation.all_exons()
    rows: list[tuple] = []
    with pysam.FastaFile(reference) as fasta:
        contigs = ContigNames(tuple(fasta.references))
        for chrom, on_chrom in exons.groupby("chrom", sort=True):
            contig = contigs.to_bam(chrom)
            if contig is None:
                continue
            sequence = fasta.fetch(contig)
            cols = {c: on_chrom[c].to_numpy() for c in ("gene", "strand", "start", "end", "exon_number")}
            ids = on_chrom["transcript_id"].to_numpy()
            cuts = [0, *(i for i in range(1, len(ids)) if ids[i] != ids[i - 1]), len(ids)]
            for lo, hi in zip(cuts, cuts[1:]):
                rows += boundaries_of_transcript(chrom, {c: v[lo:hi] for c, v in cols.items()}, sequence)
            del sequence
    return pd.DataFrame(rows, columns=BOUNDARY_COLUMNS)


def boundaries_of_transcript(chrom: str, tx: dict, sequence) -> list[tuple]:
    """Rows for one transcript's exons (arrays in exon-number order); ``sequence`` is the
    chromosome's sequence, or anything that slices like it."""
    gene, strand = tx["gene"][0], tx["strand"][0]
    starts, ends, numbers = tx["start"], tx["end"], tx["exon_number"]
    seqs = [sequence[a:b].upper() for a, b in zip(starts, ends)]
    if strand == "-":
        seqs = [revcomp(x) for x in seqs]
    spliced, offset, rows = "".join(seqs), 0, []
    for a, b, n, x in zip(starts, ends, numbers, seqs):
        first, offset = offset, offset + len(x)
        end_pos, start_pos = (int(b), int(a) + 1) if strand == "+" else (int(a) + 1, int(b))
        before = spliced[max(0, offset - WINDOW) : offset]  # ends at the exon's last base
        after = spliced[first : first + WINDOW]  # starts at the exon's first base
        if len(before) >= KEY and "N" not in before[-KEY:]:
            rows.append(("end", before[-KEY:], before, gene, int(n), chrom, end_pos, strand))
        if len(after) >= KEY and "N" not in after[:KEY]:
            rows.append(("start", after[:KEY], after, gene, int(n), chrom, start_pos, strand))
    return rows


class ExonBoundaryIndex:
    """Look-up of exon-boundary sequences by the KEY bases next to the boundary."""

    def __init__(self, table: pd.DataFrame):
        self.ends: dict[str, list[tuple[str, BoundaryHit]]] = {}
        self.starts: dict[str, list[tuple[str, BoundaryHit]]] = {}
        for r in table.itertuples(index=False):
            target = self.ends if r.side == "end" else self.starts
            hit = BoundaryHit(r.gene, int(r.exon), r.chrom, int(r.pos), r.strand)
            target.setdefault(r.key, []).append((r.seq, hit))

    def partner(self, clip_tx: str, partner_is_5prime: bool, exclude: str | None = None) -> list[BoundaryHit]:
        """Exon boundaries whose sequence matches a clip (in transcript orientation).
        A 5' partner's sequence ends at the junction; a 3' partner's starts there."""
        if len(clip_tx) < KEY:
            return []
        table = self.ends if partner_is_5prime else self.starts
        key = clip_tx[-KEY:] if partner_is_5prime else clip_tx[:KEY]
        hits = []
        for stored, hit in table.get(key, []):
            if hit.gene == exclude:
                continue
            n = min(len(stored), len(clip_tx))
            a, b = (stored[-n:], clip_tx[-n:]) if partner_is_5prime else (stored[:n], clip_tx[:n])
            if close_enough(a, b):
                hits.append(hit)
        return hits


def close_enough(a: str, b: str) -> bool:
    """The error model of every sequence comparison of the caller: two equal-length stretches
    agree when they differ in at most one base in ten (at least one mismatch allowed: a
    sequencing error or a SNP).  An N (a base not known) counts as a mismatch."""
    return sum(x != y or x == "N" for x, y in zip(a, b)) <= max(1, len(a) // 10)


def clip_in_transcript_orientation(clip: str, ntrk_strand: str) -> str:
    """A clip as read along the fused transcript (the BAM stores the + strand)."""
    return clip if ntrk_strand == "+" else revcomp(clip)
