"""The per-sample result: POSITIVE, NEGATIVE or INDETERMINATE, with reasons in words.

POSITIVE       a qualifying fusion (passes every filter: NTRK 3', kinase domain kept, in frame,
               support): stays POSITIVE whatever the QC, and carries its flags.
INDETERMINATE  no qualifying fusion, and: a QC flag says one could have been missed (any flag
               but UNTESTED_REGIONS), or a candidate is a concern (``calling.filters.CONCERNS``:
               sub-threshold evidence that looks like a real NTRK junction, an NTRK
               rearrangement that is not a qualifying fusion, or enough fragments placed only
               ambiguously), or the NTRK 3' exons are expressed far above the 5' exons.
NEGATIVE       none of the above.  A DNA negative lists the NTRK introns it did not test.

Weak candidates and artefacts have no bearing on the result; they stay in fusions.tsv, and the
evidence set aside as background is counted in qc.json.
"""

from __future__ import annotations

import pandas as pd

from ..vocabulary import CandidateClass, Result
from ..calling.filters import CONCERNS, EXACT_JOIN_RULE, parse, rule_words
from ..vocabulary import NTRK_GENES, RNA
from .flags import FAIL, FAIL_FLAGS, QCSettings, imbalanced

MAX_LISTED = 3  # concerns written out in the reasons; the rest are counted


def decide(fusions: pd.DataFrame, flags: dict[str, list[str]], metrics: dict, assay: str,
           s: QCSettings) -> tuple[str, list[str]]:  # fmt: skip
    qualifying = fusions[fusions["classification"] == CandidateClass.QUALIFYING]
    if len(qualifying):
        best = qualifying.iloc[0]
        reasons = [f"{best['vicc_name']} detected ({count(best['supporting_fragments'], 'fragment')})"]
        return Result.POSITIVE, reasons + _flag_reasons(flags)
    reasons, indeterminate = ["no NTRK fusion detected"], False
    concerns = fusions[fusions["classification"].isin([str(c) for c in CONCERNS])]
    reasons += [_concern(row) for row in concerns.head(MAX_LISTED).itertuples()]
    if len(concerns) > MAX_LISTED:
        reasons.append(f"{len(concerns) - MAX_LISTED} more such candidates (fusions.tsv)")
    indeterminate |= len(concerns) > 0
    if assay == RNA:
        for gene in NTRK_GENES:
            if imbalanced(metrics, gene, s):
                reasons.append(f"{gene} 3'/5' expression imbalance {metrics[f'{gene}_3to5_ratio']:.1f}x")
                indeterminate = True
    if any(f in flags for f in FAIL_FLAGS):
        indeterminate = True
    reasons += _flag_reasons(flags)
    return (Result.INDETERMINATE if indeterminate else Result.NEGATIVE), reasons


def _concern(row) -> str:
    """One candidate that makes a no-call INDETERMINATE, in words."""
    why = "; ".join(f.words for f in parse(row.filters))
    support = count(row.supporting_fragments, "fragment")
    if row.classification == CandidateClass.SUBTHRESHOLD:
        if row.support_rule == EXACT_JOIN_RULE.name:  # the rule counts the molecules read across the junction
            support += f", {int(row.split_reads)} across the junction"
        return f"sub-threshold evidence for {row.fusion} ({support}, {rule_words(row.support_rule, row.required_fragments)}; {why})"
    if row.classification == CandidateClass.KNOWN_FUSION_IN_PANEL:
        return (f"known fusion {row.fusion} ({support}) passes every filter but is in the panel of normals: "
                "check the panel's normals for this fusion (known_fusion_in_panel)")
    if row.classification == CandidateClass.AMBIGUOUS_MAPPING:
        return f"{row.fusion} supported only by ambiguously mapped reads ({support}, median MAPQ {row.median_mapq})"
    return f"NTRK rearrangement that is not a qualifying fusion: {row.fusion} ({support}; {why})"


def count(n, thing: str) -> str:
    """'1 fragment', '27 fragments' (integers, never '27.0')."""
    n = int(n)
    return f"{n} {thing}" + ("" if n == 1 else "s")


def _flag_reasons(flags: dict[str, list[str]]) -> list[str]:
    return [reason for flag in sorted(flags) for reason in flags[flag]]


def deciding(checks: list, result: str) -> set[str]:
    """The metrics that made a no-call INDETERMINATE (their checks fail and raise a flag that
    counts, or show an unexplained NTRK imbalance); none for POSITIVE or NEGATIVE."""
    if result != Result.INDETERMINATE:
        return set()
    return {c.metric for c in checks if c.status == FAIL and (c.flag in FAIL_FLAGS or c.flag is None)}
