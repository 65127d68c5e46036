"""Why a candidate is not a reportable NTRK fusion: every reason is named in ``filters``.

Thresholds (defaults in config/config.yaml; sources in the README):
RNA >= 5 distinct supporting fragments with >= 1 split read at the exon boundaries, >= 10
when the breakpoints are not at exon boundaries (DRAGEN TSO500 DOUBLE_BROKEN_EXON; TST170
LowQ < 5 unique); DNA >= 5 chimeric fragments, >= 3 for a known partner (TSO500 DNAFF);
median MAPQ >= 20 (DRAGEN LOW_MAPQ).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..annotation import Annotation
from .cluster import NTRK


@dataclass(frozen=True)
class FilterSettings:
    min_fragments: int = 5
    min_fragments_known_dna: int = 3
    min_fragments_off_boundary: int = 10
    min_mapq: int = 20
    readthrough_distance: int = 100_000


def reasons(row: dict, ann: Annotation, assay: str, s: FilterSettings) -> list[str]:
    out = []
    support = row["supporting_fragments"]
    needed = s.min_fragments
    if assay == "dna" and row["known_partner"]:
        needed = s.min_fragments_known_dna
    if row["breakpoint_type"] == "not_at_exon_boundary":
        needed = max(needed, s.min_fragments_off_boundary)
        out.append("not_at_exon_boundary")
    if support == 0 and row["duplicate_fragments"] > 0:
        out.append("duplicates_only")
    elif support < needed:
        out.append(f"low_support({support}<{needed})")
    if row["split_reads"] == 0:
        out.append("no_split_read")
    if row["median_mapq"] < s.min_mapq:
        out.append(f"low_mapq({row['median_mapq']})")
    if "unknown" in (row["gene5"], row["gene3"]):
        out.append("partner_unknown")
    if row["gene3"] not in NTRK:
        out.append("ntrk_not_3prime")
    elif row["kinase_domain_retained"] is False:
        out.append("kinase_domain_lost")
    if row["in_frame"] is False:
        out.append("out_of_frame")
    if row["gene5"] in NTRK and row["gene3"] in NTRK:
        out.append("paralog_pair")
    if not row["orientation_ok"]:
        out.append("strand_orientation_conflict")
    if _readthrough(row, ann, s.readthrough_distance):
        out.append("readthrough")
    return out


def confidence(row: dict, filters: list[str], s: FilterSettings) -> str:
    if filters:
        return "low"
    strong = row["supporting_fragments"] >= 2 * s.min_fragments and row["split_reads"] >= 2
    return "high" if strong or row["known_partner"] else "medium"


def _readthrough(row: dict, ann: Annotation, distance: int) -> bool:
    """Neighbouring genes on one strand, the 5' gene upstream: a read-through transcript."""
    try:
        a, b = ann.transcript(row["gene5"]), ann.transcript(row["gene3"])
    except KeyError:
        return False
    if a["chrom"] != b["chrom"] or a["strand"] != b["strand"]:
        return False
    gap = b["tx_start"] - a["tx_end"] if a["strand"] == "+" else a["tx_start"] - b["tx_end"]
    return 0 <= gap <= distance
