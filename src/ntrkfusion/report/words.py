"""What the reports say, in words a pathologist signs: the headline, the filters, the numbers
and the limitations.  Nothing here decides anything: the result, the flags and each metric's
verdict come from ``qc`` (the SampleResult qc.json holds), the filters from ``calling.filters``; this module only
words them."""

from __future__ import annotations

from ..vocabulary import CFDNA, DNA, RNA, Result, genomic
from ..calling.filters import parse
from ..qc.flags import FAIL_FLAGS
from ..records import SampleResult
from ..qc.result import count  # noqa: F401  (the reports count with qc's words)


# An orthogonal test is one that does not share the assay's blind spots.
ORTHOGONAL = {
    RNA: "FISH, RT-PCR or pan-TRK immunohistochemistry",
    DNA: "RNA-NGS, FISH or RT-PCR",
    CFDNA: "tissue testing (RNA-NGS, FISH or RT-PCR)",
}


def frame(value) -> str:
    return "frame not determined" if value is None else ("in frame" if value else "out of frame")


def kinase(value) -> str:
    return ("kinase domain status not determined" if value is None
            else "kinase domain retained" if value else "kinase domain not retained")  # fmt: skip


def percent(value) -> str:
    """A sheet percentage (60.0) as '60%'; 'not given' when absent."""
    return "not given" if value is None else f"{value:g}%"


def exon_join(f: dict) -> str:
    """'ETV6 exon 5 :: NTRK3 exon 15' (the exons joined); genomic breakpoints when unknown."""
    if f.get("exon5") is None or f.get("exon3") is None:
        return f"{f['breakpoint5']} :: {f['breakpoint3']}"
    return f"{f['gene5']} exon {int(f['exon5'])} :: {f['gene3']} exon {int(f['exon3'])}"


def headline(qc: SampleResult, best: dict | None) -> str:
    """The gene-level line at the top of a sample report."""
    if qc.result == Result.POSITIVE and best is not None:
        return (f"{best['fusion']} detected: {exon_join(best)}, {frame(best.get('in_frame'))}, "
                f"{kinase(best.get('kinase_domain_retained'))}")  # fmt: skip
    if qc.result == Result.NEGATIVE:
        return "No NTRK fusion detected"
    return "No NTRK fusion detected, but one cannot be excluded (indeterminate)"


def filter_words(cell: str | None) -> list[dict]:
    """Each filter of a ``filters`` cell: its code (kept for a tooltip) and what it means."""
    return [{"code": f.name, "words": f.words} for f in parse(cell or "")]


def fusion_status(f: dict) -> str:
    """One line on a candidate: passes every filter, or why it does not."""
    if not f.get("filters"):
        return "passes every filter"
    return "set aside: " + "; ".join(w["words"] for w in filter_words(f["filters"]))


def reference_hint(qc: SampleResult) -> str | None:
    """What setting ``reference`` would add to a no-call made without one.  (A candidate whose
    partner it would name is a warning in qc.json, shown with the other warnings.)"""
    if (qc.inputs or {}).get("reference") or qc.result == Result.POSITIVE:
        return None
    return "No genome reference was configured: with `reference` set, soft-clipped reads can also name partners."


def limitations(qc: SampleResult) -> list[str]:
    """The limitations paragraph, fitted to the sample and its assay."""
    assay = qc.assay
    lines = ["A negative result does not rule out an NTRK fusion below the limit of detection of this assay, "
             "or one whose evidence lies outside the regions examined."]  # fmt: skip
    flags = set(qc.qc_flags)
    if genomic(assay):
        untested = qc.metrics.get("untested_regions") or []
        genes = sorted({r.split()[0] for r in untested})
        if genes:
            lines.append(f"This DNA panel does not bait {len(untested)} NTRK introns ({', '.join(genes)}): breakpoints "
                         "there are missed. Where the pre-test probability is high, test RNA (RNA-NGS).")  # fmt: skip
        if qc.result == Result.POSITIVE:
            lines.append("DNA shows a genomic rearrangement; the fused transcript and its frame are inferred. "
                         "Confirm expression by RNA-NGS, FISH or RT-PCR where indicated.")  # fmt: skip
    else:
        lines.append("RNA shows fusion transcripts that are expressed; a fusion in a gene silent in this tissue, or "
                     "in RNA too degraded to span the junction, is not seen.")  # fmt: skip
    if assay == CFDNA and qc.result != Result.POSITIVE:
        lines.append("Plasma cell-free DNA: a tumour may shed too little DNA for its fusion to be seen; a negative "
                     "liquid biopsy does not exclude a fusion in the tumour. Test tissue where possible.")  # fmt: skip
    if flags & set(FAIL_FLAGS):
        lines.append("The material limits this test (" + ", ".join(sorted(flags & set(FAIL_FLAGS))) + "): repeat on "
                     f"another block or sample, or confirm with an orthogonal test ({ORTHOGONAL[assay]}).")  # fmt: skip
    if qc.result == Result.INDETERMINATE:
        lines.append("The result is indeterminate: it neither shows nor excludes an NTRK fusion.")
    return lines
