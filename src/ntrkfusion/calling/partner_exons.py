"""Reads at the known 5' partners' exon ends, where an aligner without split reads leaves a fusion (RNA).

STAR without chimeric output and HISAT2 cannot align a read across a fusion junction in two
parts.  When the crossing read lies mostly in the partner, STAR aligns it there with the NTRK
bases soft-clipped, and HISAT2 leaves it unaligned beside its mate in the partner: neither record
lies in an NTRK locus, so reading the NTRK loci alone misses the molecule.  Measured on the
dilution benchmark's ETV6 e5::NTRK3 e15 at 3 expected junction molecules (seeds 1000-1002, 8
junction molecules held in all): STAR without chimeric output left 6 of them as ETV6 reads
clipped at exon 5's last base (26-60 NTRK3 bases) and 2 as unaligned pairs without a position;
HISAT2 left the same 6 unaligned beside an ETV6 mate; none showed in NTRK3.

So, with the reference's exon boundaries (``clips.ExonBoundaryIndex``), every exon but the last
of each known 5' partner (``resources/curated/ntrk_known_partners.tsv``) is read through the
index, and a read counts when the bases after one of the partner's exon ends are the first
bases of an exon of an NTRK gene it is known to join, and of no other gene's exon (at least
``MIN_NTRK_BASES``, within ``clips.close_enough``):

* aligned up to the exon end, or up to ``snap`` bases beyond it (bases the aligner matched by
  chance, given back to the clip as for NTRK-side clips), the rest soft-clipped: ``partner_clip``;
* unaligned beside a mate aligned there: ``unaligned`` (placed as ``unaligned.py`` places a read
  beside an NTRK mate), when the bases before the NTRK exon start are this partner's exon end;
  a read placed for two NTRK genes (SQSTM1 joins all three) counts for neither.

Only known partners are read: the exact-join support rule (2 molecules) is theirs; a novel
partner needs the default 5, from what the NTRK loci show.  Reads with an SA tag are the split-read
aligners' and show in the NTRK locus already; the caller reads the partners only for aligners not
known to write split reads (``CallSettings.read_partner_exons``).  The last exon is left out (no splice
donor, and the 3' end where most of a library's reads lie).  Cost, by ``benchmarks/partner_exons.py``
on a 100 M-pair library with the partners at a tumour's expression: 1.7 M reads, 1.85 s (14.6 times
the NTRK loci's 0.13 s, 1.8 times pysam's bare fetch of the same reads).
"""

from __future__ import annotations

import re
from collections import Counter

from ..annotation import Annotation
from ..genome import ContigNames
from ..partners import known_partners
from ..vocabulary import EvidenceKind
from .clips import ExonBoundaryIndex, clip_in_transcript_orientation
from .evidence import Evidence, UnalignedRead, fragment_key, soft_clips
from .junctions import Side
from .splicing import shifts_at_boundary
from .unaligned import MIN_NTRK_BASES, place_unaligned


_LAST_CLIP, _FIRST_CLIP = re.compile(r"(\d+)S$"), re.compile(r"^(\d+)S")  # a CIGAR's soft clip at its end, start


def known_5prime_partners(ann: Annotation) -> dict[str, tuple[str, ...]]:
    """Known 5' partner -> the NTRK genes it is known to join, for partners the annotation has."""
    table = known_partners()
    out: dict[str, set] = {}
    for partner, ntrk in zip(table["partner"], table["ntrk_gene"]):
        if _annotated(ann, partner) and _annotated(ann, ntrk):
            out.setdefault(partner, set()).add(ntrk)
    return {p: tuple(sorted(g)) for p, g in sorted(out.items())}


def _annotated(ann: Annotation, gene: str) -> bool:
    try:
        ann.transcript(gene)
    except KeyError:
        return False
    return True


def partner_exon_evidence(bam, ann: Annotation, contigs: ContigNames, index: ExonBoundaryIndex, min_clip: int,
                          snap: int, umi=lambda read: "") -> tuple[list[Evidence], tuple[str, ...]]:  # fmt: skip
    """Evidence of each known 5' partner's reads that continue into an NTRK exon (module docstring),
    and the partners whose exons were read (those on the file's contigs)."""
    out: list[Evidence] = []
    read: list[str] = []
    seen: set[tuple[str, int]] = set()  # a read in the exons of two partners counts once
    for partner, ntrk_genes in known_5prime_partners(ann).items():
        exons = ann.exons(partner)
        contig = contigs.to_bam(exons["chrom"].iat[0])
        if contig is None:
            continue
        read.append(partner)
        reader = _PartnerReads(partner, exons["strand"].iat[0], set(ann.exon_ends(partner).values()), ntrk_genes,
                               ann, contigs, index, min_clip, snap, umi)  # fmt: skip
        for start, end in windows(exons):
            for record in bam.fetch(contig, start, end):
                reader.add(record)
        for ev in reader.evidence():
            if (ev.read_name, ev.flag) not in seen:
                seen.add((ev.read_name, ev.flag))
                out.append(ev)
    return out, tuple(read)


def windows(exons) -> list[tuple[int, int]]:
    """The 0-based, half-open windows read of a partner (``Annotation.exons``): every exon but the last."""
    return [(int(a), int(b)) for a, b in zip(exons["start"].iloc[:-1], exons["end"].iloc[:-1])]


class _PartnerReads:
    """The reads of one known partner's exons, kept as evidence when they continue into an NTRK exon."""

    def __init__(self, gene, strand, exon_ends, ntrk_genes, ann, contigs, index, min_clip, snap, umi):
        self.strand, self.exon_ends, self.ntrk_genes = strand, exon_ends, ntrk_genes
        self.ann, self.contigs, self.index, self.min_clip, self.snap, self.umi = ann, contigs, index, min_clip, snap, umi
        self.keep = "left" if strand == "+" else "right"  # a 5' partner keeps its 5' end
        self._clip_at_3prime = _LAST_CLIP if strand == "+" else _FIRST_CLIP
        self.ntrk_contigs = {g: contigs.to_bam(ann.transcript(g)["chrom"]) or "" for g in ntrk_genes}
        own = ann.transcript(gene)["chrom"]
        self.own_contigs = {own, contigs.to_bam(own)}  # the partner's contig, as the BAM or the annotation names it
        self.clipped: dict[tuple[str, int], Evidence] = {}
        self.unaligned: dict[tuple[str, str], UnalignedRead] = {}
        self.mates: dict[str, int] = {}  # aligned reads whose mate is not: their MAPQ

    def add(self, read) -> None:
        flag = read.flag
        if flag & 0x4:
            if not flag & 0x308:  # unaligned, primary, not QC-fail, its mate aligned
                for ntrk, contig in self.ntrk_contigs.items():
                    self.unaligned[(read.query_name, ntrk)] = UnalignedRead(
                        read.query_name, ntrk, contig, read.query_sequence or "", flag, read.is_duplicate,
                        fragment_key(read), self.umi(read))  # fmt: skip
            return
        if flag & 0x300:  # secondary, QC-fail
            return
        if flag & 0x8 and not flag & 0x800:
            self.mates[read.query_name] = read.mapping_quality
        # most reads are not clipped on the partner's 3' side: said from the CIGAR text, quickly
        tail = self._clip_at_3prime.search(read.cigarstring or "")
        if tail is None or int(tail.group(1)) < self.min_clip or read.has_tag("SA"):  # SA: a split-read aligner's
            return
        for side, clip, anchor in soft_clips(read, self.min_clip):
            if side.keep == self.keep and (read.query_name, flag) not in self.clipped:
                found = self._into_ntrk_exon(read, side, clip, anchor, int(tail.group(1)))
                if found is not None:
                    self.clipped[(read.query_name, flag)] = found

    def _into_ntrk_exon(self, read, side: Side, clip: str, anchor: str, soft: int) -> Evidence | None:
        """A partner clip whose bases start an exon of a paired NTRK gene, and no other gene's (the
        partner's own next exon: its splicing), at this partner's exon end.  ``soft``: the CIGAR's
        soft-clipped bases (``clip`` may hold a short aligned block too, ``evidence.soft_clips``)."""
        for pos, shifted in shifts_at_boundary(side, clip, anchor, self.exon_ends, self.snap):
            if len(shifted) < MIN_NTRK_BASES:
                continue
            clip_tx = clip_in_transcript_orientation(shifted, self.strand)
            hits = self.index.partner(clip_tx, partner_is_5prime=False)
            genes = {h.gene for h in hits}
            if len(genes) != 1 or not genes <= set(self.ntrk_genes):
                continue
            hit = hits[0]
            ntrk_side = Side(self.contigs.to_bam(hit.chrom) or hit.chrom, hit.pos, "right" if hit.strand == "+" else "left")
            return Evidence(read.query_name, hit.gene, EvidenceKind.PARTNER_CLIP, read.flag, read.mapping_quality,
                            read.is_duplicate, fragment_key(read), ntrk_side, Side(side.chrom, pos, side.keep),
                            shifted, anchor, mapq_b=read.mapping_quality, anchor_a=len(shifted),
                            anchor_b=read.query_alignment_length - (len(shifted) - soft), umi=self.umi(read))  # fmt: skip
        return None

    def evidence(self) -> list[Evidence]:
        """The clipped reads, and the unaligned reads placed at this partner's exon ends."""
        waiting = [u for (name, _), u in sorted(self.unaligned.items()) if name in self.mates]
        for u in waiting:
            u.mate_mapq = self.mates[u.read_name]
        placed = [ev for ev in place_unaligned(waiting, self.index, self.ann, self.contigs, self.min_clip)
                  if ev.side_b.pos in self.exon_ends and ev.side_b.chrom in self.own_contigs]  # fmt: skip
        genes = Counter(ev.read_name for ev in placed)  # a read placed for two NTRK genes (SQSTM1's) names neither
        return [self.clipped[k] for k in sorted(self.clipped)] + [ev for ev in placed if genes[ev.read_name] == 1]
