"""The per-sample result: POSITIVE, NEGATIVE or INDETERMINATE, with reasons in words.

POSITIVE       a fusion passing every filter (NTRK 3', kinase domain kept, in frame, support):
               stays POSITIVE whatever the QC, and carries its flags.
INDETERMINATE  no such fusion, and: a QC flag says one could have been missed (any flag but
               UNTESTED_REGIONS), or there is sub-threshold support for an NTRK fusion, or an
               NTRK rearrangement that is not a qualifying fusion (out of frame, kinase domain
               lost, NTRK 5' only), or the NTRK 3' exons are expressed far above the 5' exons.
NEGATIVE       none of the above.  A DNA negative lists the NTRK introns it did not test.
"""

from __future__ import annotations

import pandas as pd

from .flags import FAIL_FLAGS, QCSettings

NTRK = ("NTRK1", "NTRK2", "NTRK3")
ARTEFACTS = ("readthrough", "paralog_pair", "strand_orientation_conflict", "low_mapq", "duplicates_only")
SUPPORT = ("low_support", "no_split_read", "partner_unknown", "not_at_exon_boundary")


def decide(fusions: pd.DataFrame, flags: dict[str, list[str]], metrics: dict, assay: str,
           s: QCSettings) -> tuple[str, list[str]]:  # fmt: skip
    passing = fusions[fusions["filters"] == ""]
    if len(passing):
        best = passing.iloc[0]
        reasons = [f"{best['vicc_name']} detected ({best['supporting_fragments']} fragments)"]
        return "POSITIVE", reasons + _flag_reasons(flags)
    reasons, indeterminate = ["no NTRK fusion detected"], False
    for row in fusions.itertuples():
        why = _concern(row)
        if why:
            reasons.append(why)
            indeterminate = True
    if assay == "rna":
        for gene in NTRK:
            ratio, depth3 = metrics.get(f"{gene}_3to5_ratio"), metrics.get(f"{gene}_3prime_depth", 0)
            if ratio is not None and ratio >= s.imbalance_ratio and depth3 >= s.imbalance_min_depth:
                reasons.append(f"{gene} 3'/5' expression imbalance {ratio:.1f}x")
                indeterminate = True
    if any(f in flags for f in FAIL_FLAGS):
        indeterminate = True
    reasons += _flag_reasons(flags)
    return ("INDETERMINATE" if indeterminate else "NEGATIVE"), reasons


def _concern(row) -> str | None:
    """Why a filtered candidate still matters, or None when it is an artefact or not NTRK."""
    filters = row.filters.split(";")
    names = {f.split("(")[0] for f in filters}
    if names & set(ARTEFACTS) or not ({row.gene5, row.gene3} & set(NTRK)):
        return None
    if names <= set(SUPPORT) and row.gene3 in NTRK:
        return f"sub-threshold evidence for {row.fusion} ({row.supporting_fragments} fragments; {row.filters})"
    if row.supporting_fragments >= 3:
        return f"NTRK rearrangement that is not a qualifying fusion: {row.fusion} ({row.filters})"
    return None


def _flag_reasons(flags: dict[str, list[str]]) -> list[str]:
    return [reason for flag in sorted(flags) for reason in flags[flag]]
