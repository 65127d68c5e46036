"""What a candidate means: transcripts, exons, frame, kinase domain, known partner, name."""

from __future__ import annotations

from ..annotation import Annotation
from ..assays import genomic
from ..partners import is_known_partner
from .cluster import NTRK, Candidate
from .naming import NO_GENE


def describe(cand: Candidate, ann: Annotation, assay: str) -> dict:
    tx5, tx3 = _transcript(ann, cand.gene5), _transcript(ann, cand.gene3)
    exon5, site5 = _exon(ann, cand.gene5, cand.bp5, "5")
    exon3, site3 = _exon(ann, cand.gene3, cand.bp3, "3")
    in_frame = None
    if exon5 is not None and exon3 is not None:
        if assay == "rna" and not cand.snapped:
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
    )


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
    if cand.gene3 not in NTRK:
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
    if cand.gene3 in NTRK:
        return is_known_partner(cand.gene5, cand.gene3)
    return False


def _vicc(tx, gene: str, exon: int | None) -> str:
    if tx is None:
        return f"{gene}(?)" if gene not in NO_GENE else "?"
    ref = tx["refseq_id"] if isinstance(tx["refseq_id"], str) and tx["refseq_id"] else tx["transcript_id"]
    return f"{ref}({gene}):e.{exon if exon is not None else '?'}"
