"""Reads an RNA aligner left unaligned beside a mate in an NTRK gene, placed by sequence.

HISAT2 with its defaults scores a read that crosses a fusion junction below its minimum
(``--score-min L,0,-0.2``: a soft clip of more than ~10 bases costs too much) and leaves it
unaligned; so does STAR without chimeric output.  Its mate, aligned in the NTRK gene, keeps it
in the NTRK locus of a sorted BAM.  Such a read is placed here as the exon-boundary look-up
places a soft clip (``clips.py``): an NTRK exon's first bases (the boundary table's ``start``
sequence) found inside the read, and the bases before them looked up among every exon end.
Only the clinically meaningful orientation is sought: a 5' partner joined to an NTRK exon.

Measured on the simulator's HISAT2 ETV6::NTRK3 (34 junction fragments, real HISAT2 2.2):
without placing, 11 discordant pairs and 2 clipped reads (no read crosses the junction: an
INDETERMINATE); with it, the junction reads below are found at the exact exon boundary.
"""

from __future__ import annotations

from ..vocabulary import EvidenceKind
from ..annotation import Annotation
from ..genome import ContigNames
from ..sequence import revcomp
from .clips import KEY, ExonBoundaryIndex, close_enough
from .evidence import Evidence, UnalignedRead
from .junctions import Side

MIN_NTRK_BASES = 20  # bases matching the NTRK exon after the boundary (the caller's min_anchor)



def place_unaligned(reads: list[UnalignedRead], index: ExonBoundaryIndex, ann: Annotation, contigs: ContigNames,
                    min_clip: int) -> list[Evidence]:  # fmt: skip
    """Evidence for each read that holds an NTRK exon start preceded by a partner exon end."""
    out = []
    for r in reads:
        strand = ann.transcript(r.region)["strand"]
        for seq in (r.seq, revcomp(r.seq)):  # the read may be either strand of the transcript
            found = _junction(seq, r.region, index, min_clip)
            if found is None:
                continue
            ntrk, partner, prefix, matched = found
            keep_left = partner.strand == "+"  # a 5' partner keeps its 5' end
            out.append(Evidence(r.read_name, r.region, EvidenceKind.UNALIGNED, r.flag, r.mate_mapq, r.duplicate, r.fragment_key,
                                Side(r.contig, ntrk.pos, "right" if strand == "+" else "left"),
                                Side(contigs.to_bam(partner.chrom) or partner.chrom, partner.pos,
                                     "left" if keep_left else "right"),
                                clip_seq=prefix, anchor_a=matched, anchor_b=len(prefix), umi=r.umi))  # fmt: skip
            break
    return out


def _junction(seq: str, gene: str, index: ExonBoundaryIndex, min_clip: int):
    """(NTRK exon-start hit, partner exon-end hit, partner bases, NTRK bases) or None: the first
    offset at which an exon start of ``gene`` matches and the bases before it name one gene."""
    for i in range(min_clip, len(seq) - MIN_NTRK_BASES + 1):
        for stored, hit in index.starts.get(seq[i : i + KEY], []):
            if hit.gene != gene:
                continue
            n = min(len(stored), len(seq) - i)
            if n < MIN_NTRK_BASES or not close_enough(stored[:n], seq[i : i + n]):
                continue
            partners = index.partner(seq[:i], partner_is_5prime=True, exclude=gene)
            if len({h.gene for h in partners}) == 1:
                return hit, partners[0], seq[:i], n
    return None
