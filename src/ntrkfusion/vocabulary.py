"""The words ntrkfusion speaks, each defined once: genes, assays, UMI sources, evidence kinds,
candidate classes and results.  Every module, template and table uses these names; the
workflow's schemas list the same values (``tests/test_vocabulary.py`` holds them together).

Each is a ``StrEnum``: a member *is* its string ("rna" == Assay.RNA), so it goes into JSON,
Parquet and templates as the plain word.
"""

from __future__ import annotations

from enum import StrEnum

# The three genes the test is about, in this order everywhere (tables, reports, QC).
NTRK_GENES = ("NTRK1", "NTRK2", "NTRK3")


class Assay(StrEnum):
    """The sheet's ``assay`` column.

    rna    RNA-seq, whole transcriptome or a targeted RNA panel: breakpoints at exon boundaries.
    dna    a targeted DNA panel of tumour tissue: genomic breakpoints, fusions inferred.
    cfdna  a DNA panel of plasma cell-free DNA (liquid biopsy): as dna, counted in molecules
           (UMIs), with the thresholds of circulating-tumour-DNA assays (a few molecules at
           0.5-5 % allele fraction; the tumour fraction is judged by detectability).
    """

    RNA = "rna"
    DNA = "dna"
    CFDNA = "cfdna"


RNA, DNA, CFDNA = Assay.RNA, Assay.DNA, Assay.CFDNA
ASSAYS = tuple(Assay)
ASSAY_HELP = "rna (RNA-seq), dna (DNA panel of tumour tissue) or cfdna (DNA panel of plasma cell-free DNA)"


def genomic(assay: str) -> bool:
    """Are breakpoints genomic (DNA), not exon joins (RNA)?"""
    return assay in (DNA, CFDNA)


class UmiSource(StrEnum):
    """Where a library keeps its UMIs (config ``umi.source``, the sheet's ``umi`` column)."""

    NONE = "none"
    RX = "RX"  # the RX tag, as fgbio and UMI-tools write it
    READ_NAME = "read_name"  # the end of the read name (NAME_UMI, NAME:UMI)


UMI_SOURCES = tuple(UmiSource)
UMI_HELP = "where the reads keep UMIs: none, RX (the RX tag) or read_name (default: the config's umi.source)"


class EvidenceKind(StrEnum):
    """What one alignment record tells of a junction (evidence.parquet ``kind``)."""

    SPLIT = "split"  # an SA tag: both sides aligned (precise)
    GAP = "gap"  # a spliced gap leaving the NTRK gene
    DISCORDANT = "discordant"  # the mate lies elsewhere (imprecise)
    CLIP = "clip"  # a soft clip; its partner named later, if at all
    PARTNER_CLIP = "partner_clip"  # a read clipped at a candidate's partner breakpoint
    UNALIGNED = "unaligned"  # an unaligned read beside an NTRK mate, placed by sequence


class CandidateClass(StrEnum):
    """What a candidate means for the sample result (the fusions table's ``classification``)."""

    QUALIFYING = "qualifying"  # passes every filter: POSITIVE
    SUBTHRESHOLD = "subthreshold"  # only support filters, and it looks like a real NTRK junction
    UNCERTAIN_REARRANGEMENT = "uncertain_rearrangement"  # a real NTRK junction that is not a qualifying fusion
    AMBIGUOUS_MAPPING = "ambiguous_mapping"  # enough fragments, but only ambiguous placements
    # would qualify, with a known partner, but the lab's panel of normals holds it: a panel made
    # from a "normal" that carried the fusion must never turn it into a clean NEGATIVE (issue 21)
    KNOWN_FUSION_IN_PANEL = "known_fusion_in_panel"
    WEAK = "weak"  # too little, and not junction-like: no bearing on the result
    ARTEFACT = "artefact"  # a known artefact: no bearing on the result


class Result(StrEnum):
    """One result per sample."""

    POSITIVE = "POSITIVE"
    NEGATIVE = "NEGATIVE"
    INDETERMINATE = "INDETERMINATE"


RESULTS_ORDER = (Result.POSITIVE, Result.INDETERMINATE, Result.NEGATIVE)  # as counted in summaries
