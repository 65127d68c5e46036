"""Detectability: the probability that an NTRK fusion would have been found in this sample.

DNA (``dna.py``): a clonal heterozygous rearrangement at the sample's tumour content gives
supporting fragments ~ Poisson(unique depth x purity / 2) at a baited intron (qc_reference.md §2).
RNA: a fusion at the assay's measured limit of detection (``lod.py``) gives, in this sample, the
molecules the benchmark found at the LoD scaled by this library's junction yield and tumour
content against the benchmark library's.  Either way detectability = P(X >= the support a call
needs).
"""

from __future__ import annotations

import math

from .lod import NEEDS_REFERENCE, read_lod


def poisson_at_least(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    term = total = math.exp(-lam)
    for i in range(1, k):
        term *= lam / i
        total += term
    return max(0.0, 1.0 - total)


def rna_detectability(kind: str | None, junction_yield: float | None, tumour_content: float | None,
                      needed: int, reference: bool = True) -> float | None:  # fmt: skip
    """The probability that an RNA fusion at this kind's limit of detection would have been found
    in this sample: the molecules found at the LoD in the benchmark's library, scaled by this
    library's junction yield and tumour content against the benchmark's, must reach ``needed``
    (Poisson).  None when it cannot be said (no LoD measured for the kind, a kind measured with
    ``reference`` run without it, or nothing to scale)."""
    row = read_lod().get(kind or "")
    if kind in NEEDS_REFERENCE and not reference:
        return None
    if row is None or None in (row.lod_molecules, row.reference_yield, row.reference_tumour, junction_yield,
                               tumour_content) or not row.reference_yield:  # fmt: skip
        return None
    lam = row.lod_molecules * (junction_yield / row.reference_yield) * (tumour_content / row.reference_tumour)
    return poisson_at_least(needed, lam)


def rna_metrics(kind: str | None, junction_yield: float | None, tumour_content: float | None, needed: int,
                genes: tuple[str, ...], reference: bool = True) -> dict:  # fmt: skip
    """The metrics an RNA sample's detectability adds: per gene (one value: the 3' part of a fusion
    is expressed from its partner's promoter, whichever NTRK gene it is), what limits it, and why
    it cannot be said when it cannot."""
    p = rna_detectability(kind, junction_yield, tumour_content, needed, reference)
    row = read_lod().get(kind or "")
    small = row is not None and row.reference_yield and junction_yield is not None and (
        junction_yield < row.reference_yield)  # fmt: skip
    out = dict(detectability={g: None if p is None else round(p, 4) for g in genes}, detectability_at_lod=True,
               detectability_limited_by="LOW_COVERAGE" if small or junction_yield is None else "LOW_TUMOUR_CONTENT")  # fmt: skip
    if p is None:
        out["detectability_missing"] = ("no limit of detection has been measured for this kind of input"
                                         if row is None or row.lod is None else
                                         "its limit of detection holds with `reference` set, and it is not"
                                         if kind in NEEDS_REFERENCE and not reference else "tumour content not given"
                                         if tumour_content is None else "no read across a control-gene junction")  # fmt: skip
    return out
