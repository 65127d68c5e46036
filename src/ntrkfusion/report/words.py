"""What the reports say, in words a pathologist signs: the headline, the filters, the numbers
and the limitations.  Nothing here decides anything: the result, the flags and each metric's
verdict come from ``qc`` (the SampleResult qc.json holds), the filters from ``calling.filters``; this module only
words them."""

from __future__ import annotations

from ..vocabulary import NTRK_GENES, CFDNA, DNA, RNA, Result, genomic
from ..calling.filters import parse, rule_words
from ..calling.fused_sequence import STOP_CODON
from ..qc.lod import read_lod, statement
from ..qc.flags import FAIL_FLAGS
from ..records import SampleResult
from ..qc.result import count  # noqa: F401  (the reports count with qc's words)


# An orthogonal test is one that does not share the assay's blind spots.
ORTHOGONAL = {
    RNA: "FISH, RT-PCR or pan-TRK immunohistochemistry",
    DNA: "RNA-NGS, FISH or RT-PCR",
    CFDNA: "tissue testing (RNA-NGS, FISH or RT-PCR)",
}


def frame(value, reading_frame: str | None = None) -> str:
    """'in frame', 'out of frame', or, when the fused sequence meets a stop codon, says so."""
    if value is None:
        return "frame not determined"
    if value and reading_frame == STOP_CODON:
        return "in frame, but the fused coding sequence meets a stop codon before the kinase domain"
    return "in frame" if value else "out of frame"


def kinase(value) -> str:
    return ("kinase domain status not determined" if value is None
            else "kinase domain retained" if value else "kinase domain not retained")  # fmt: skip


def fusion_share(f: dict, assay: str) -> str | None:
    """What ``fusion_fraction`` measures, in words: among the fragments read through the NTRK
    breakpoint, the share that is fused (RNA: of that gene's transcripts there; DNA: an allele
    fraction, about half the tumour content for one rearranged copy)."""
    if f.get("fusion_fraction") is None:
        return None
    side = "3" if f.get("gene3") in NTRK_GENES else "5"
    gene, fused, unfused = f[f"gene{side}"], f["supporting_fragments"], f.get(f"wild_type_fragments{side}")
    share = f"{100 * f['fusion_fraction']:.0f}%"
    counts = f"{count(fused, 'fused fragment')}, {count(unfused or 0, 'unfused fragment')} through the {gene} breakpoint"
    if genomic(assay):
        return f"Allele fraction of the rearrangement {share} ({counts})."
    return f"{share} of the {gene} transcripts read through the breakpoint are fused ({counts})."


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
        return (f"{best['fusion']} detected: {exon_join(best)}, {frame(best.get('in_frame'), best.get('reading_frame'))}, "
                f"{kinase(best.get('kinase_domain_retained'))}")  # fmt: skip
    if qc.result == Result.NEGATIVE:
        return "No NTRK fusion detected"
    return "No NTRK fusion detected, but one cannot be excluded (indeterminate)"


def filter_words(cell: str | None) -> list[dict]:
    """Each filter of a ``filters`` cell: its code (kept for a tooltip) and what it means."""
    return [{"code": f.name, "words": f.words} for f in parse(cell or "")]


def support_needed(f: dict) -> str:
    """What the candidate's support rule asks for, in words."""
    return rule_words(f.get("support_rule"), int(f["required_fragments"]))


def fusion_status(f: dict) -> str:
    """One line on a candidate: passes every filter, or why it does not."""
    if not f.get("filters"):
        return "passes every filter"
    return "set aside: " + "; ".join(w["words"] for w in filter_words(f["filters"]))


def limitations(qc: SampleResult) -> list[str]:
    """The limitations paragraph, fitted to the sample, its assay and its result: a POSITIVE is
    not told what a negative does not exclude, nor asked to repeat the test."""
    assay, positive = qc.assay, qc.result == Result.POSITIVE
    lines = [] if positive else [
        f"A negative result does not rule out an NTRK fusion below the limit of detection of this test "
        f"({lod_level(qc)}){detectability_words(qc)}, or one whose evidence lies outside the regions examined."]  # fmt: skip
    limiting = sorted(set(qc.qc_flags) & set(FAIL_FLAGS))
    if genomic(assay):
        untested = qc.metrics.get("untested_regions") or []
        genes = sorted({r["gene"] for r in untested})
        if genes and not positive:
            lines.append(f"This DNA panel does not bait {len(untested)} NTRK introns ({', '.join(genes)}): breakpoints "
                         "there are missed. Where the pre-test probability is high, test RNA (RNA-NGS).")  # fmt: skip
        if positive:
            lines.append("DNA shows a genomic rearrangement; the fused transcript and its frame are inferred. "
                         "Confirm expression by RNA-NGS, FISH or RT-PCR where indicated.")  # fmt: skip
    elif not positive:
        lines.append("RNA shows fusion transcripts that are expressed; a fusion in a gene silent in this tissue, or "
                     "in RNA too degraded to span the junction, is not seen.")  # fmt: skip
    if assay == CFDNA and not positive:
        lines.append("Plasma cell-free DNA: a tumour may shed too little DNA for its fusion to be seen; a negative "
                     "liquid biopsy does not exclude a fusion in the tumour. Test tissue where possible.")  # fmt: skip
    if limiting and positive:
        lines.append(f"The fusion was detected although the material is limited ({', '.join(limiting)}); the "
                     "limitation bears on what else the test could have missed, not on the fusion found.")  # fmt: skip
    elif limiting:
        lines.append(f"The material limits this test ({', '.join(limiting)}): repeat on another block or sample, or "
                     f"confirm with an orthogonal test ({ORTHOGONAL[assay]}).")  # fmt: skip
    if qc.result == Result.INDETERMINATE:
        lines.append("The result is indeterminate: it neither shows nor excludes an NTRK fusion.")
    return lines


SPECIMEN_LABELS = {"specimen_type": "specimen", "specimen_site": "site", "collection_date": "collected",
                   "block_id": "block", "requested_by": "requested by"}  # fmt: skip
ASSAY_WORDS = {RNA: "RNA sequencing (whole transcriptome or a targeted RNA panel)", DNA: "a targeted DNA panel of tumour "
               "tissue", CFDNA: "a targeted DNA panel of plasma cell-free DNA"}  # fmt: skip


def specimen(qc: SampleResult) -> list[tuple[str, str]]:
    """The specimen fields the sample sheet gave, labelled for the report."""
    return [(SPECIMEN_LABELS.get(k, k), v) for k, v in (qc.specimen or {}).items()]


def methods(qc: SampleResult, needed: int, padding: int) -> list[str]:
    """The methods paragraph: the assay, the regions read, what a call needs, the software.
    ``needed``: the supporting molecules a fusion with a novel partner needs in this assay;
    ``padding``: the bases read on each side of the NTRK genes."""
    aligner = (qc.inputs or {}).get("aligner") or "an aligner not recorded in the file"
    where = ("exon-exon junctions of NTRK1, NTRK2 and NTRK3 with any 5′ partner gene" if qc.assay == RNA else
             "genomic breakpoints in the NTRK1, NTRK2 and NTRK3 introns the panel baits")  # fmt: skip
    provenance = qc.provenance or {}
    annotation = (provenance.get("annotation") or {}).get("source") or "the bundled annotation"
    return [
        f"The sample was tested by {ASSAY_WORDS.get(qc.assay, qc.assay)}, aligned with {aligner} to {qc.build}. "
        f"The reads of NTRK1, NTRK2 and NTRK3 and {padding:,} bases on each side were read through the file's index "
        f"for evidence of {where}: split, spliced, clipped and paired reads." + _partner_exons_words(qc),
        f"A fusion is reported when at least {count(needed, 'distinct supporting molecule')} (fewer for a known "
        "partner in DNA, and in RNA for an exact join: both sides at annotated exon boundaries, a known partner, in "
        "frame, read across by two molecules; more when the breakpoints are not at exon boundaries), with at least "
        "one read across the junction, keep NTRK as the 3′ partner with its kinase domain and the reading frame. "
        "Every candidate and the reasons it was set aside are listed above.",
        statement(qc.metrics.get("lod_kind")),
        f"ntrkfusion {((provenance.get('pipeline') or {}).get('version')) or ''}, annotation {annotation}.",
    ]


def _partner_exons_words(qc: SampleResult) -> str:
    """What was read besides the NTRK loci: the known 5′ partners' exons, for an aligner not known to
    write split reads (a read across the junction may lie wholly in the partner)."""
    genes = (qc.inputs or {}).get("partner_genes") or []
    if not genes:
        return ""
    return (f" As this aligner is not known to write split reads, the exons of the {len(genes)} known 5′ partner genes "
            f"({', '.join(genes)}) were read too, for reads that continue from an exon end into an NTRK exon.")


def lod_level(qc: SampleResult) -> str:
    """The measured limit of detection of the sample's kind of input, as a number and unit."""
    row = read_lod().get(qc.metrics.get("lod_kind") or "")
    return "not measured for this kind of input" if row is None or row.lod is None else f"{row.lod:g} {row.unit}"


def detectability_words(qc: SampleResult) -> str:
    """'; in this sample a fusion at it would have been found with 97% probability' (the lowest
    over the NTRK genes tested), or nothing when it was not computed."""
    values = [p for p in (qc.metrics.get("detectability") or {}).values() if p is not None]
    if not values:
        return ""
    what = "a fusion at that limit" if qc.assay == RNA else "a clonal fusion at this tumour content"
    return f"; in this sample {what} would have been found with {min(values):.0%} probability"


def interpretation(qc: SampleResult, texts: dict[str, str]) -> str:
    """The laboratory's interpretation text for the result (config ``interpretation``)."""
    return texts[qc.result].replace("{fusion}", qc.best_fusion or "an NTRK fusion")
