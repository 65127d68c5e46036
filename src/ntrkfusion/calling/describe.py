"""What a candidate means: transcripts, exons, frame, kinase domain, known partner, name."""

from __future__ import annotations

from collections import Counter

from ..annotation import Annotation
from ..vocabulary import RNA, genomic
from ..partners import is_known_partner
from ..sequence import revcomp
from ..vocabulary import NTRK_GENES, EvidenceKind
from .cluster import Candidate
from .naming import NO_GENE


def describe(cand: Candidate, ann: Annotation, assay: str) -> dict:
    tx5, tx3 = _transcript(ann, cand.gene5), _transcript(ann, cand.gene3)
    exon5, site5 = _exon(ann, cand.gene5, cand.bp5, "5")
    exon3, site3 = _exon(ann, cand.gene3, cand.bp3, "3")
    in_frame = None
    if exon5 is not None and exon3 is not None:
        if assay == RNA and not cand.snapped:
            in_frame = ann.junction_in_frame(cand.gene5, cand.bp5, cand.gene3, cand.bp3)
        else:
            in_frame = ann.exon_join_in_frame(cand.gene5, exon5, cand.gene3, exon3)
    return dict(
        fusion=f"{cand.gene5}::{cand.gene3}",
        gene5=cand.gene5,
        gene3=cand.gene3,
        transcript5=tx5["transcript_id"] if tx5 is not None else None,
        transcript3=tx3["transcript_id"] if tx3 is not None else None,
        exon5=exon5,
        exon3=exon3,
        breakpoint5=f"{cand.chrom5}:{cand.bp5}" if cand.bp5 is not None else None,
        breakpoint3=f"{cand.chrom3}:{cand.bp3}" if cand.bp3 is not None else None,
        site5=site5,
        site3=site3,
        breakpoint_type=_breakpoint_type(cand, assay),
        in_frame=in_frame,
        kinase_domain_retained=_kinase_retained(ann, cand, exon3),
        known_partner=_known(cand),
        vicc_name=_vicc(tx5, cand.gene5, exon5) + "::" + _vicc(tx3, cand.gene3, exon3),
    ) | geometry(cand, tx5, tx3) | microhomology(cand, ann)


DOWNSTREAM, UPSTREAM = "downstream", "upstream"  # Arriba's direction1/direction2


def geometry(cand: Candidate, tx5, tx3) -> dict:
    """Each side as Arriba describes it: contig and position, the genes' strands, and the
    direction in which the partner is fused (``downstream``: at higher coordinates, so this
    side keeps the bases up to the breakpoint), and the rearrangement's type.  Directions come
    from the evidence itself (each record knows which side of its junction it keeps)."""
    ntrk = Counter(ev.side_a.keep for ev in cand.evidence)
    partner = Counter(ev.side_b.keep for ev in cand.evidence if ev.side_b is not None)
    direction = {c: (DOWNSTREAM if n.most_common(1)[0][0] == "left" else UPSTREAM) if n else None
                 for c, n in (("ntrk", ntrk), ("partner", partner))}  # fmt: skip
    d5, d3 = (direction["partner"], direction["ntrk"]) if cand.ntrk_is_3prime else (direction["ntrk"], direction["partner"])
    return dict(chrom5=cand.chrom5 if cand.bp5 is not None else None, pos5=cand.bp5, direction5=d5,
                strand5=tx5["strand"] if tx5 is not None else None,
                chrom3=cand.chrom3 if cand.bp3 is not None else None, pos3=cand.bp3, direction3=d3,
                strand3=tx3["strand"] if tx3 is not None else None,
                sv_type=sv_type(cand.chrom5, cand.bp5, d5, cand.chrom3, cand.bp3, d3))  # fmt: skip


def microhomology(cand: Candidate, ann: Annotation) -> dict:
    """The bases both partners' alignments claim at the junction (the commonest length among the
    split reads), in the fused molecule's 5'->3' orientation; 0 and empty without split reads."""
    lengths = Counter(ev.homology for ev in cand.evidence if ev.kind == EvidenceKind.SPLIT)
    if not lengths:
        return dict(homology_length=None, homology_sequence=None)
    length = min(lengths, key=lambda n: (-lengths[n], n))
    seqs = Counter(ev.homology_seq for ev in cand.evidence if ev.homology == length and ev.homology_seq)
    seq = min(seqs, key=lambda q: (-seqs[q], q)) if seqs else ""
    if seq and ann.transcript(cand.ntrk_gene)["strand"] == "-":
        seq = revcomp(seq)
    return dict(homology_length=length, homology_sequence=seq if length else "")


def sv_type(chrom5, pos5, d5, chrom3, pos3, d3) -> str | None:
    """translocation, deletion, duplication or inversion (None when a side is imprecise)."""
    if None in (pos5, pos3, d5, d3):
        return None
    if chrom5 != chrom3:
        return "translocation"
    (_, low), (_, high) = sorted([(pos5, d5), (pos3, d3)])
    if low == high:
        return "inversion"
    return "deletion" if low == DOWNSTREAM else "duplication"


def _transcript(ann: Annotation, gene: str):
    try:
        return ann.transcript(gene)
    except KeyError:
        return None


def _exon(ann: Annotation, gene: str, bp: int | None, role: str) -> tuple[int | None, str | None]:
    """The partner's last kept exon (5') or first kept exon (3'), and where the breakpoint lies."""
    if bp is None or _transcript(ann, gene) is None:
        return None, None
    locus = ann.locate_in(gene, bp)
    if locus is None:
        return None, "outside the gene"
    if locus.region == "exon":
        return locus.number, f"exon {locus.number}"
    # intron n lies between exons n and n+1: a 5' partner keeps exon n, a 3' partner starts at n+1
    return (locus.number if role == "5" else locus.number + 1), f"intron {locus.number}"


def _breakpoint_type(cand: Candidate, assay: str) -> str:
    if cand.bp5 is None or cand.bp3 is None:
        return "imprecise"
    if genomic(assay):
        return "genomic"
    return "exon_boundary" if cand.snapped else "not_at_exon_boundary"


def _kinase_retained(ann: Annotation, cand: Candidate, exon3: int | None) -> bool | None:
    if cand.gene3 not in NTRK_GENES:
        return False
    domain = ann.kinase_domain(cand.gene3)
    if cand.bp3 is not None:
        locus = ann.locate_in(cand.gene3, cand.bp3)
        if locus is not None and locus.cds_offset is not None:
            return locus.cds_offset <= domain.cds_start_offset
    if exon3 is None:
        return None
    return exon3 <= domain.first_exon


def _known(cand: Candidate) -> bool:
    if cand.gene3 in NTRK_GENES:
        return is_known_partner(cand.gene5, cand.gene3)
    return False


def _vicc(tx, gene: str, exon: int | None) -> str:
    if tx is None:
        return f"{gene}(?)" if gene not in NO_GENE else "?"
    ref = tx["refseq_id"] if isinstance(tx["refseq_id"], str) and tx["refseq_id"] else tx["transcript_id"]
    return f"{ref}({gene}):e.{exon if exon is not None else '?'}"
