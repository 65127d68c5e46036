"""The molecules reads are drawn from: transcripts (RNA) and the rearranged chromosome (DNA).

Breakpoints follow the report's convention: ``breakpoint5`` is the 5' partner's last kept
base and ``breakpoint3`` the 3' partner's first kept base, 1-based GRCh38.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..annotation import Annotation
from ..sequence import revcomp
from .locus_genome import LocusGenome


@dataclass
class Molecule:
    """A sequence (5'->3' of the gene(s)) and, for chimeras, the offset of the junction."""

    name: str
    seq: str
    junction: int | None = None  # first base of the 3' part; None for wild type
    # (offset in seq) -> GRCh38 (chrom, 0-based pos) for DNA molecules, to test bait overlap
    origin: list = field(default_factory=list)


def _exons(ann: Annotation, gene: str, first: int, last: int | None):
    """Exons ``first..last`` (None: to the last) of a gene, in transcript order."""
    exons = ann.exons(gene)
    last = last if last is not None else int(exons["exon_number"].max())
    return exons[(exons["exon_number"] >= first) & (exons["exon_number"] <= last)].itertuples()


def transcript(genome: LocusGenome, ann: Annotation, gene: str, first: int = 1, last: int | None = None) -> str:
    """Spliced sequence of exons ``first..last`` of a gene, 5'->3'."""
    parts = []
    for e in _exons(ann, gene, first, last):
        seq = genome.fetch(e.chrom, int(e.start), int(e.end))
        parts.append(seq if e.strand == "+" else revcomp(seq))
    return "".join(parts)


def fused_transcript(genome, ann, gene5: str, exon5: int, gene3: str, exon3: int) -> Molecule:
    five = transcript(genome, ann, gene5, 1, exon5)
    three = transcript(genome, ann, gene3, exon3)
    return Molecule(f"{gene5}::{gene3}", five + three, junction=len(five))


def transcript_positions(ann: Annotation, gene: str, first: int = 1, last: int | None = None) -> list[int]:
    """The 1-based GRCh38 position of each base of ``transcript(...)``, in the same order."""
    out: list[int] = []
    for e in _exons(ann, gene, first, last):
        span = range(int(e.start) + 1, int(e.end) + 1)  # exons are 0-based half-open
        out += list(span) if e.strand == "+" else list(reversed(span))
    return out


@dataclass(frozen=True)
class TemplateSwitch:
    """A reverse-transcriptase template switch: the 5' gene read up to a base inside ``exon5``,
    then the 3' gene from a base inside ``exon3``, where ``homology`` bases of the two agree (the
    primer of the switch, which both alignments then claim)."""

    molecule: Molecule
    breakpoint5: int  # the 5' gene's last base, 1-based GRCh38
    breakpoint3: int  # the 3' gene's first base after the shared bases


def template_switch(genome, ann, gene5: str, exon5: int, gene3: str, exon3: int, homology: int) -> TemplateSwitch:
    """The first switch (from the middle of each exon outwards, deterministically) at which exactly
    ``homology`` bases agree: the bases before the join agree, the one after it does not."""
    five, three = transcript(genome, ann, gene5, 1, exon5), transcript(genome, ann, gene3, exon3)
    pos5, pos3 = transcript_positions(ann, gene5, 1, exon5), transcript_positions(ann, gene3, exon3)
    e5 = ann.exons(gene5).set_index("exon_number").loc[exon5]
    e3 = ann.exons(gene3).set_index("exon_number").loc[exon3]
    len5, len3 = int(e5.end - e5.start), int(e3.end - e3.start)
    margin = homology + 8  # never at an exon's edge
    middle5, middle3 = len(five) - len5 // 2, len3 // 2
    near5 = sorted(range(len(five) - len5 + margin, len(five) - margin), key=lambda i: (abs(i - middle5), i))
    near3 = sorted(range(margin, len3 - margin), key=lambda j: (abs(j - middle3), j))
    for i in near5:
        for j in near3:
            agree = five[i - homology:i] == three[j - homology:j]
            if agree and five[i - homology - 1] != three[j - homology - 1] and five[i] != three[j]:
                mol = Molecule(f"{gene5}::{gene3}", five[:i] + three[j:], junction=i)
                return TemplateSwitch(mol, pos5[i - 1], pos3[j])
    raise ValueError(f"no {homology}-base microhomology between {gene5} exon {exon5} and {gene3} exon {exon3}")


def pre_mrna(genome, ann: Annotation, gene: str) -> Molecule:
    """A gene's unspliced transcript (its introns in), 5'->3'."""
    tx = ann.transcript(gene)
    seq = genome.fetch(tx["chrom"], int(tx["tx_start"]), int(tx["tx_end"]))
    return Molecule(f"pre-{gene}", seq if tx["strand"] == "+" else revcomp(seq))


def genomic(genome: LocusGenome, ann: Annotation, gene: str, bp: int, side: str, flank: int):
    """``flank`` bases of a gene's genomic sequence in transcript orientation ending at
    (side="5") or starting at (side="3") the 1-based position ``bp``, with the GRCh38
    position of each base."""
    strand = ann.transcript(gene)["strand"]
    chrom = ann.transcript(gene)["chrom"]
    # the kept bases lie below bp for a + strand 5' partner or a - strand 3' partner
    if (side == "5") == (strand == "+"):
        start, end = bp - flank, bp
    else:
        start, end = bp - 1, bp - 1 + flank
    seq = genome.fetch(chrom, start, end)
    positions = [(chrom, p) for p in range(start, end)]
    if strand == "-":
        seq, positions = revcomp(seq), positions[::-1]
    return seq, positions


def derivative(genome, ann, gene5: str, bp5: int, gene3: str, bp3: int, flank: int) -> Molecule:
    """The rearranged chromosome around a DNA breakpoint: gene5 up to bp5, then gene3 from bp3."""
    five, pos5 = genomic(genome, ann, gene5, bp5, "5", flank)
    three, pos3 = genomic(genome, ann, gene3, bp3, "3", flank)
    return Molecule(f"der({gene5}::{gene3})", five + three, junction=len(five), origin=pos5 + pos3)


def intronic_breakpoint(ann: Annotation, gene: str, intron: int, fraction: float, side: str) -> int:
    """A 1-based breakpoint ``fraction`` of the way through an intron (transcript direction).
    side="5": the last kept base of a 5' partner; side="3": the first kept base of a 3' partner."""
    exons = ann.exons(gene).set_index("exon_number")
    a, b = exons.loc[intron], exons.loc[intron + 1]
    if a["strand"] == "+":
        lo, hi = int(a["end"]) + 1, int(b["start"])  # 1-based first and last intron base
        return lo + int(fraction * (hi - lo))
    lo, hi = int(b["end"]) + 1, int(a["start"])
    return hi - int(fraction * (hi - lo))
