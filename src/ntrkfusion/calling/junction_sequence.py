"""A clip is support only when its bases are the other side of the junction.

A soft clip at a candidate's breakpoint says nothing by its position alone: a wild-type
partner read spliced from exon 8 to exon 9 whose exon-9 part was too short to splice
(``14S69M179N17M`` at TPM3 exon 8) is clipped exactly at a TPM3::NTRK1 partner breakpoint,
and was counted as the fifth fragment that made a 4-molecule sample POSITIVE (issue 22).  So
every clip that would join a candidate without naming its partner by sequence (clips at the
NTRK breakpoint, and the partner-side clips read at the partner breakpoint) is compared with
the candidate's junction sequence, within the caller's error model (``clips.close_enough``):

* with ``reference``: the spliced transcript bases of both partners next to the junction (RNA),
  the genome's bases on each breakpoint's kept side (DNA);
* without it: the same bases as the candidate's own junction reads (split, gapped or placed
  records) align them there, their majority base at each position (a base they do not cover is
  unknown, and never counts as agreement).

A clip that does not match is set aside ``unconfirmed_clip``; a partner-side clip that is the
partner's own next exon is ``normal_splicing`` (the gene's own splicing explains the read).

Sequences here are in transcript orientation: the fused molecule read 5' partner -> 3' partner;
``five`` ends at the junction, ``three`` starts there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pysam

from ..annotation import Annotation
from ..genome import ContigNames, canonical_contig
from ..sequence import revcomp
from ..vocabulary import EvidenceKind, RNA
from .clips import close_enough
from .complexity import uninformative
from .evidence import Evidence, SetAside
from .fused_sequence import transcript_bases
from .junctions import Side

WINDOW = 60  # bases of each side kept
MIN_CHECKED = 8  # known bases a clip must be compared over to be confirmed


@dataclass(frozen=True)
class Junction:
    """Both sides of a candidate's junction: where, and their bases (transcript orientation)."""

    ntrk: Side  # the NTRK breakpoint, as the candidate keeps it
    partner: Side
    ntrk_strand: str  # the strand the fused transcript reads each side on
    partner_strand: str
    five: str = ""
    three: str = ""

    @property
    def ntrk_is_3prime(self) -> bool:
        return self.ntrk.role(self.ntrk_strand) == "3"


def junction_of(cand, ann: Annotation, contigs: ContigNames) -> Junction | None:
    """The sides of a precise candidate (no bases yet), from its precise evidence's keep sides."""
    precise = [ev for ev in cand.evidence if ev.side_b is not None and ev.kind != EvidenceKind.DISCORDANT]
    if cand.bp5 is None or cand.bp3 is None or not precise:
        return None
    ev = precise[0]
    ntrk_strand = ann.transcript(cand.ntrk_gene)["strand"]
    _, chrom, partner_bp = cand.partner()
    ntrk_chrom = cand.chrom3 if cand.ntrk_is_3prime else cand.chrom5
    ntrk = Side(contigs.to_bam(ntrk_chrom) or ntrk_chrom, cand.ntrk_bp(), ev.side_a.keep)
    partner = Side(contigs.to_bam(chrom) or chrom, partner_bp, ev.side_b.keep)  # the candidate's chroms are canonical
    # the partner is read on the strand that makes it the other role of the fused transcript
    partner_role = "5" if cand.ntrk_is_3prime else "3"
    partner_strand = "+" if (partner.keep == "left") == (partner_role == "5") else "-"
    return Junction(ntrk, partner, ntrk_strand, partner_strand)


def with_bases(j: Junction, sides: tuple[str, str]) -> Junction:
    """The junction with its ``(NTRK side, partner side)`` bases placed as five and three."""
    ntrk, partner = sides
    five, three = (partner, ntrk) if j.ntrk_is_3prime else (ntrk, partner)
    return Junction(j.ntrk, j.partner, j.ntrk_strand, j.partner_strand, five[-WINDOW:], three[:WINDOW])


def from_reference(j: Junction, cand, ann: Annotation, fasta: pysam.FastaFile, assay: str) -> Junction:
    """Bases from the reference: the partners' spliced exons in RNA, the genome in DNA."""
    contigs = ContigNames(tuple(fasta.references))
    exon5, exon3 = _exon_at(ann, cand.gene5, cand.bp5, "5"), _exon_at(ann, cand.gene3, cand.bp3, "3")
    if assay == RNA and exon5 is not None and exon3 is not None:
        try:
            five = transcript_bases(ann, fasta, contigs, cand.gene5, 1, exon5, coding=False)
            three = transcript_bases(ann, fasta, contigs, cand.gene3, exon3, None, coding=False)
            return Junction(j.ntrk, j.partner, j.ntrk_strand, j.partner_strand, five[-WINDOW:], three[:WINDOW])
        except KeyError:
            pass
    sides = []
    for side, strand in ((j.ntrk, j.ntrk_strand), (j.partner, j.partner_strand)):
        contig = contigs.to_bam(canonical_contig(side.chrom))
        lo, hi = _window(side)
        bases = fasta.fetch(contig, max(0, lo), hi).upper() if contig else ""
        sides.append(_oriented(bases, side, strand))
    return with_bases(j, (sides[0], sides[1]))


def _exon_at(ann: Annotation, gene: str, pos: int, role: str) -> int | None:
    """The exon of ``gene`` that ends (5' partner) or starts (3' partner) at ``pos``."""
    try:
        bounds = ann.exon_ends(gene) if role == "5" else ann.exon_starts(gene)
    except KeyError:
        return None
    return next((n for n, p in sorted(bounds.items()) if p == pos), None)


def from_reads(j: Junction, cand, bam: pysam.AlignmentFile) -> Junction:
    """Bases as the candidate's junction reads align them on each breakpoint's kept side."""
    names = {ev.read_name for ev in cand.evidence if ev.side_b is not None and ev.kind != EvidenceKind.DISCORDANT}
    sides = []
    for side, strand in ((j.ntrk, j.ntrk_strand), (j.partner, j.partner_strand)):
        lo, hi = _window(side)
        try:
            counts = np.asarray(bam.count_coverage(side.chrom, max(0, lo), hi, quality_threshold=0,
                                                   read_callback=lambda r: r.query_name in names))  # fmt: skip
        except (KeyError, ValueError):
            sides.append("")
            continue
        best = counts.argmax(axis=0)
        bases = "".join("ACGT"[b] if counts[:, i].sum() else "N" for i, b in enumerate(best))
        sides.append(_oriented(bases, side, strand))
    return with_bases(j, (sides[0], sides[1]))


def _window(side: Side) -> tuple[int, int]:
    """0-based half-open interval of WINDOW bases on the kept side of a breakpoint."""
    return (side.pos - WINDOW, side.pos) if side.keep == "left" else (side.pos - 1, side.pos - 1 + WINDOW)


def _oriented(bases: str, side: Side, strand: str) -> str:
    return revcomp(bases) if strand == "-" else bases


def other_side(ev: Evidence, own: Side, at: Side, strand: str) -> str | None:
    """A clipped record's bases beyond the candidate's breakpoint ``at`` (the breakpoint on the
    record's own side), in transcript orientation: its clip, less the bases the aligner took
    into the alignment by chance, or plus those it left in the clip (within the anchor kept)."""
    clip, anchor = ev.clip_seq, ev.anchor_seq
    if own.keep == "left":
        local, cut = anchor + clip, len(anchor) - (own.pos - at.pos)
        beyond = local[cut:] if 0 <= cut <= len(local) else None
    else:
        local, cut = clip + anchor, len(clip) + (at.pos - own.pos)
        beyond = local[:cut] if 0 <= cut <= len(local) else None
    if beyond is None:
        return None
    return revcomp(beyond) if strand == "-" else beyond


def matches(bases: str, j: Junction, of_three: bool) -> bool:
    """Do bases beyond a breakpoint agree with the junction's other side (its ``three`` side
    read from the junction on, or its ``five`` side read back from it)?"""
    expected = j.three if of_three else j.five
    n = min(len(bases), len(expected))
    a, b = (bases[:n], expected[:n]) if of_three else (bases[len(bases) - n :], expected[len(expected) - n :])
    known = [(x, y) for x, y in zip(a, b) if y != "N"]
    if len(known) < min(MIN_CHECKED, len(bases)) or not known:
        return False
    return close_enough("".join(x for x, _ in known), "".join(y for _, y in known))


def confirms(ev: Evidence, j: Junction) -> bool:
    """Is this clipped record (an NTRK-side clip, or a partner-side ``partner_clip``) the junction?"""
    if ev.kind == EvidenceKind.PARTNER_CLIP:
        own, at, strand, own_is_3 = ev.side_b, j.partner, j.partner_strand, not j.ntrk_is_3prime
    else:
        own, at, strand, own_is_3 = ev.side_a, j.ntrk, j.ntrk_strand, j.ntrk_is_3prime
    bases = other_side(ev, own, at, strand)
    return bases is not None and matches(bases, j, of_three=not own_is_3)


class ClipJudge:
    """Judges the clipped records that would join a candidate against its junction (read once
    per candidate: from the reference when there is one, else from its junction reads).
    ``own_index(gene)``: an ``ExonBoundaryIndex`` holding the gene's own exon boundaries."""

    def __init__(self, bam: pysam.AlignmentFile, ann: Annotation, contigs: ContigNames, assay: str,
                 reference: str | None, own_index):  # fmt: skip
        self.bam, self.ann, self.contigs, self.assay = bam, ann, contigs, assay
        self.reference, self.own_index = reference, own_index
        self._fasta: pysam.FastaFile | None = None
        self._junctions: dict[int, Junction | None] = {}

    def junction(self, cand) -> Junction | None:
        if id(cand) not in self._junctions:
            j = junction_of(cand, self.ann, self.contigs)
            if j is not None and self.reference:
                self._fasta = self._fasta or pysam.FastaFile(self.reference)
                j = from_reference(j, cand, self.ann, self._fasta, self.assay)
            elif j is not None:
                j = from_reads(j, cand, self.bam)
            self._junctions[id(cand)] = j
        return self._junctions[id(cand)]

    def judge(self, ev: Evidence, cand) -> str:
        """"" when the clipped record supports the candidate, else why not (a ``SetAside``)."""
        reason = uninformative(ev.clip_seq)
        if reason:
            return reason
        j = self.junction(cand)
        if j is None:
            return SetAside.UNCONFIRMED_CLIP
        if ev.kind == EvidenceKind.PARTNER_CLIP and self._own_splicing(ev, cand, j):
            return SetAside.NORMAL_SPLICING
        return "" if confirms(ev, j) else SetAside.UNCONFIRMED_CLIP

    def _own_splicing(self, ev: Evidence, cand, j: Junction) -> bool:
        """Is a partner-side clip the partner's own other exon (a wild-type spliced read)?"""
        gene = cand.partner()[0]
        index = self.own_index(gene)
        bases = other_side(ev, ev.side_b, j.partner, j.partner_strand)
        if index is None or not bases:
            return False
        hits = index.partner(bases, partner_is_5prime=not j.ntrk_is_3prime)  # the bases' own role
        return any(h.gene == gene for h in hits)

    def close(self) -> None:
        if self._fasta is not None:
            self._fasta.close()
