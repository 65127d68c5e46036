"""Why a candidate is not a reportable NTRK fusion: every reason is named in ``filters``.

Each filter has a kind, declared once here and used by the caller and by the sample result:

* support   too little evidence of the right sort: the candidate may be real but unproven;
* mapping   the reads sit where the genome is ambiguous: it can be neither trusted nor dismissed;
* artefact  a known mechanism of false junctions (read-through, paralogs, random short
            placements, a lab's recurrent artefacts);
* biology   the junction is real-looking but not a qualifying NTRK fusion (NTRK 5', kinase
            domain lost, out of frame).

Support is judged by a rule (``SUPPORT_RULES``) chosen by what the candidate's evidence proves,
never by its count; ``support_rule`` names it in the table.  Thresholds (defaults in
config/config.yaml; sources in the README): RNA >= 5 distinct supporting
fragments with >= 1 split read at the exon boundaries, >= 10 when the breakpoints are not at exon
boundaries (DRAGEN TSO500 DOUBLE_BROKEN_EXON; TST170 LowQ < 5 unique); an exact join (both sides
at annotated exon boundaries, a known partner, in frame, kinase kept) >= 2
molecules read across the junction (STAR-Fusion at reference splice sites; Arriba min_support),
the background of such joins measured by benchmarks/background.py; DNA >= 5 chimeric
fragments, >= 3 for a known partner (TSO500 DNAFF); cfDNA >= 3 molecules, >= 2 for a known partner (TSO500 ctDNA DNA fusion filter); median MAPQ >= 20
(DRAGEN LOW_MAPQ); at
least one split read with >= 20 aligned bases on each side (Arriba short_anchor 23 bp, DRAGEN
rna-gf-min-anchor 25 bp; 20 keeps 2x50 bp libraries callable).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..annotation import Annotation
from ..vocabulary import CFDNA, DNA, RNA, CandidateClass
from ..config import default
from ..vocabulary import NTRK_GENES
from .naming import UNKNOWN

SEPARATOR = ";"  # between filter names in the ``filters`` column


class Kind(StrEnum):
    SUPPORT = "support"
    MAPPING = "mapping"
    ARTEFACT = "artefact"
    BIOLOGY = "biology"


@dataclass(frozen=True)
class Filter:
    name: str
    kind: Kind
    words: str  # what it means, for a reader of the report
    source: str


LOW_SUPPORT = Filter("low_support", Kind.SUPPORT, "fewer distinct supporting fragments than required",
                     "TST170 LowQ (< 5 unique); TSO500 DNA fusion filter")  # fmt: skip
NO_SPLIT_READ = Filter("no_split_read", Kind.SUPPORT, "no read crosses the junction (pairs only)",
                       "qc_reference section 6: >= 1 junction-spanning read")  # fmt: skip
NOT_AT_EXON_BOUNDARY = Filter("not_at_exon_boundary", Kind.SUPPORT, "breakpoints not at exon boundaries",
                              "DRAGEN TSO500 DOUBLE_BROKEN_EXON (>= 10 reads)")  # fmt: skip
PARTNER_UNKNOWN = Filter("partner_unknown", Kind.SUPPORT, "the partner gene could not be identified",
                         "set `reference` to name the partner of soft-clipped reads")  # fmt: skip
LOW_MAPQ = Filter("low_mapq", Kind.MAPPING, "the supporting reads map ambiguously (repeats, paralogs)",
                  "DRAGEN TSO500 LOW_MAPQ (< 20)")  # fmt: skip
SHORT_ANCHOR = Filter("short_anchor", Kind.ARTEFACT, "no read has enough aligned bases on both sides",
                      "Arriba short_anchor (23 bp); DRAGEN rna-gf-min-anchor (25 bp)")  # fmt: skip
DUPLICATES_ONLY = Filter("duplicates_only", Kind.ARTEFACT, "every supporting fragment is a PCR duplicate", "-")
READTHROUGH = Filter("readthrough", Kind.ARTEFACT, "a read-through transcript of neighbouring genes",
                     "STAR-Fusion / Arriba practice")  # fmt: skip
PARALOG_PAIR = Filter("paralog_pair", Kind.ARTEFACT, "both partners are NTRK genes (paralogs)", "-")
STRAND_CONFLICT = Filter("strand_orientation_conflict", Kind.ARTEFACT,
                         "the strands cannot make a sense fusion transcript", "-")  # fmt: skip
MID_EXON_JOIN = Filter("mid_exon_join", Kind.ARTEFACT,
                       "both sides join inside exons, away from any splice site, with little support "
                       "(reverse-transcriptase template switching)",
                       "Houseley & Tollervey 2010 (RT template switching); Arriba: breakpoints at splice sites")  # fmt: skip
IN_PANEL_OF_NORMALS = Filter("in_panel_of_normals", Kind.ARTEFACT, "seen in the laboratory's normal samples",
                             "panel of normals (Arriba blacklist, STAR-Fusion normal-fusion lists)")  # fmt: skip
NTRK_NOT_3PRIME = Filter("ntrk_not_3prime", Kind.BIOLOGY, "NTRK is the 5' partner (no NTRK kinase expressed)",
                         "F1CDx biomarker rule, VICC")  # fmt: skip
KINASE_DOMAIN_LOST = Filter("kinase_domain_lost", Kind.BIOLOGY, "the NTRK kinase domain is not kept",
                            "VICC criticalFunctionalDomains")  # fmt: skip
OUT_OF_FRAME = Filter("out_of_frame", Kind.BIOLOGY, "the join shifts the reading frame", "VICC readingFramePreserved")

FILTERS = {f.name: f for f in (LOW_SUPPORT, NO_SPLIT_READ, NOT_AT_EXON_BOUNDARY, PARTNER_UNKNOWN, LOW_MAPQ,
                               SHORT_ANCHOR, DUPLICATES_ONLY, READTHROUGH, PARALOG_PAIR, STRAND_CONFLICT,
                               MID_EXON_JOIN, IN_PANEL_OF_NORMALS, NTRK_NOT_3PRIME, KINASE_DOMAIN_LOST, OUT_OF_FRAME)}  # fmt: skip


CONCERNS = (CandidateClass.SUBTHRESHOLD, CandidateClass.UNCERTAIN_REARRANGEMENT, CandidateClass.AMBIGUOUS_MAPPING,
            CandidateClass.KNOWN_FUSION_IN_PANEL)
BEARING = (CandidateClass.QUALIFYING, *CONCERNS)  # the classes with a bearing on the sample result


@dataclass(frozen=True)
class FilterSettings:
    """Thresholds of the filters; defaults from the config schema (``calling``)."""

    min_fragments: int = default("calling", "min_fragments")
    min_fragments_known_dna: int = default("calling", "min_fragments_known_dna")
    min_fragments_off_boundary: int = default("calling", "min_fragments_off_boundary")
    min_junction_molecules_exact: int = default("calling", "min_junction_molecules_exact")
    min_fragments_cfdna: int = default("calling", "min_fragments_cfdna")
    min_fragments_known_cfdna: int = default("calling", "min_fragments_known_cfdna")
    min_mapq: int = default("calling", "min_mapq")
    min_anchor: int = default("calling", "min_anchor")
    readthrough_distance: int = default("calling", "readthrough_distance")


@dataclass(frozen=True)
class SupportRule:
    """What a candidate must show to be supported, chosen by the quality of its evidence.  Counts
    are of distinct fragments (duplicates and UMI families once: ``supporting_fragments``), an
    exact join's of those read across the junction (``split_reads``)."""

    name: str
    note: str  # what the number counts when it is not the default, in words ("" for the default)


DEFAULT_RULE = SupportRule("default", "")
OFF_BOUNDARY_RULE = SupportRule("off_boundary", "breakpoints off exon boundaries")
EXACT_JOIN_RULE = SupportRule("exact_known_join", "reads across an exact, known, in-frame join")
KNOWN_DNA_RULE = SupportRule("known_partner_dna", "a known partner in DNA")
CFDNA_RULE = SupportRule("cfdna", "cfDNA molecules")
KNOWN_CFDNA_RULE = SupportRule("known_partner_cfdna", "cfDNA molecules, a known partner")
SUPPORT_RULES = {r.name: r for r in (DEFAULT_RULE, OFF_BOUNDARY_RULE, EXACT_JOIN_RULE, KNOWN_DNA_RULE, CFDNA_RULE,
                                     KNOWN_CFDNA_RULE)}  # fmt: skip


def exact_join(row: dict, assay: str) -> bool:
    """An RNA join whose every mark says real: both sides at annotated exon boundaries, a known
    partner, in frame, the NTRK kinase kept.  Its background in clean libraries is measured by
    benchmarks/background.py (README).  Bases both alignments claim are no mark against it here:
    at exon boundaries they are the splice sites' own (exons end ...AG as introns do; BWA-MEM
    claims 3 at ETV6 e5::NTRK3 e15 in the dilution benchmark, STAR none), and an aligner's
    extension beyond ``snap_distance`` leaves the exon boundary anyway.  Microhomology marks
    template switching where a join lies inside exons (``MID_EXON_JOIN``)."""
    return (assay == RNA and row["breakpoint_type"] == "exon_boundary" and bool(row["known_partner"])
            and row["in_frame"] is True and row["kinase_domain_retained"] is True and row["gene3"] in NTRK_GENES)  # fmt: skip


def support_rule(row: dict, assay: str, s: FilterSettings) -> tuple[SupportRule, int]:
    """The rule that judges a candidate's support, and the number it needs."""
    if assay == CFDNA:
        return (KNOWN_CFDNA_RULE, s.min_fragments_known_cfdna) if row["known_partner"] else (CFDNA_RULE, s.min_fragments_cfdna)
    if assay == DNA and row["known_partner"]:
        rule, needed = KNOWN_DNA_RULE, s.min_fragments_known_dna
    elif exact_join(row, assay):
        return EXACT_JOIN_RULE, s.min_junction_molecules_exact
    else:
        rule, needed = DEFAULT_RULE, s.min_fragments
    if row["breakpoint_type"] == "not_at_exon_boundary":
        return OFF_BOUNDARY_RULE, max(needed, s.min_fragments_off_boundary)
    return rule, needed


def required_fragments(row: dict, assay: str, s: FilterSettings) -> int:
    return support_rule(row, assay, s)[1]


def supported(row: dict, assay: str, s: FilterSettings) -> bool:
    """Does the candidate meet its support rule?  An exact join: enough molecules read across the
    junction, or the default number of molecules."""
    rule, needed = support_rule(row, assay, s)
    if rule is EXACT_JOIN_RULE:
        return row["split_reads"] >= needed or row["supporting_fragments"] >= s.min_fragments
    return row["supporting_fragments"] >= needed


def rule_words(rule_name: str | None, needed: int) -> str:
    """A ``support_rule`` cell and its ``required_fragments`` in words: '5 needed',
    '2 needed: reads across an exact, known, in-frame join'."""
    note = SUPPORT_RULES.get(rule_name or "", DEFAULT_RULE).note
    return f"{needed} needed" + (f": {note}" if note else "")


def apply(row: dict, ann: Annotation, assay: str, s: FilterSettings) -> list[Filter]:
    """The filters a candidate fails, in registry order."""
    out = []
    support = row["supporting_fragments"]
    if row["breakpoint_type"] == "not_at_exon_boundary":
        out.append(NOT_AT_EXON_BOUNDARY)
    if support == 0 and row["duplicate_fragments"] > 0:
        out.append(DUPLICATES_ONLY)
    elif not supported(row, assay, s):
        out.append(LOW_SUPPORT)
    if row["split_reads"] == 0:
        out.append(NO_SPLIT_READ)
    if row["median_mapq"] < s.min_mapq:
        out.append(LOW_MAPQ)
    if row["max_anchor"] is not None and row["max_anchor"] < s.min_anchor:
        out.append(SHORT_ANCHOR)
    if UNKNOWN in (row["gene5"], row["gene3"]):
        out.append(PARTNER_UNKNOWN)
    if row["gene3"] not in NTRK_GENES:
        out.append(NTRK_NOT_3PRIME)
    elif row["kinase_domain_retained"] is False:
        out.append(KINASE_DOMAIN_LOST)
    if row["in_frame"] is False:
        out.append(OUT_OF_FRAME)
    if row["gene5"] in NTRK_GENES and row["gene3"] in NTRK_GENES:
        out.append(PARALOG_PAIR)
    if not row["orientation_ok"]:
        out.append(STRAND_CONFLICT)
    if _readthrough(row, ann, s.readthrough_distance):
        out.append(READTHROUGH)
    if _mid_exon(row, ann) and support < s.min_fragments_off_boundary:
        out.append(MID_EXON_JOIN)
    if row.get("in_panel_of_normals"):
        out.append(IN_PANEL_OF_NORMALS)
    return sorted(set(out), key=list(FILTERS.values()).index)


def names(found: list[Filter]) -> str:
    return SEPARATOR.join(f.name for f in found)


def parse(cell: str) -> list[Filter]:
    """The filters of a ``filters`` cell written by ``names``."""
    return [FILTERS[n] for n in cell.split(SEPARATOR) if n]


def classify(row: dict, found: list[Filter], junction_like: bool, s: FilterSettings) -> CandidateClass:
    """The candidate's bearing on the sample result (see ``vocabulary.CandidateClass``)."""
    kinds = {f.kind for f in found}
    if not found:
        return CandidateClass.QUALIFYING
    if found == [IN_PANEL_OF_NORMALS] and row["known_partner"]:
        return CandidateClass.KNOWN_FUSION_IN_PANEL  # a qualifying known fusion: a panel never silences it
    if Kind.ARTEFACT in kinds:
        return CandidateClass.ARTEFACT
    enough = row["supporting_fragments"] >= s.min_fragments
    if Kind.MAPPING in kinds:
        return CandidateClass.AMBIGUOUS_MAPPING if enough and junction_like else CandidateClass.WEAK
    if Kind.BIOLOGY in kinds:
        return CandidateClass.UNCERTAIN_REARRANGEMENT if enough and row["split_reads"] > 0 else CandidateClass.WEAK
    ntrk_3prime = row["gene3"] in NTRK_GENES and row["kinase_domain_retained"] is not False
    return CandidateClass.SUBTHRESHOLD if ntrk_3prime and junction_like else CandidateClass.WEAK


def confidence(row: dict, found: list[Filter], s: FilterSettings) -> str:
    """low: filtered; medium: passes on an exact join's few junction molecules, or a novel partner
    without strong support; high: a known partner with the default support, or strong support."""
    if found:
        return "low"
    strong = row["supporting_fragments"] >= 2 * s.min_fragments and row["split_reads"] >= 2
    few = row["supporting_fragments"] < s.min_fragments
    return "high" if strong or (row["known_partner"] and not few) else "medium"


def _mid_exon(row: dict, ann: Annotation) -> bool:
    """An RNA join inside an exon on both sides: no splice site made it.  A genomic rearrangement
    shows in RNA at exon boundaries (its introns are spliced out) unless a DNA breakpoint lies in
    an exon, which both lying in exons makes rarer still; a template switch makes it routinely."""
    if row["breakpoint_type"] != "not_at_exon_boundary":
        return False
    for gene, pos in ((row["gene5"], row.get("pos5")), (row["gene3"], row.get("pos3"))):
        try:
            locus = ann.locate_in(gene, pos) if pos is not None else None
        except KeyError:  # not a gene of the annotation (intergenic, unknown)
            return False
        if locus is None or locus.region != "exon":
            return False
    return True


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

