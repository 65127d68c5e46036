"""QC flags from metrics and the sample sheet; each flag comes with its reasons in words.

Defaults (config ``qc``) and their sources, qc_reference.md sections 1 and 5:
- LOW_TUMOUR_CONTENT: tumour content < 20 % (FoundationOne CDx minimum; Arch Pathol Lab Med
  2021), or not given (never assumed 100 %), or DNA detectability < 0.95 for a tested NTRK gene.
  cfDNA: the tumour fraction (a few %) is judged by detectability alone.
- DEGRADED_RNA: median transcript-space fragment < 80 bp (TSO500 LSL), or DV200 < 20 %
  (TSO500 minimum input); DV200 20-30 % is a warning in the reasons.
- LOW_COVERAGE: DNA median unique exon depth < 250x or a baited NTRK intron < 250x (F1CDx QC);
  cfDNA the same in unique molecules < 1300x (TSO500 ctDNA: fusions need 1300x);
  RNA fewer than 70 % of the housekeeping genes with >= min_gene_reads reads (proxy QC, >= 11/15,
  J Mol Diagn 2023); none of them in the annotation is LOW_COVERAGE too (not assessed is never a pass).
- LOW_LIBRARY_COMPLEXITY: duplicate rate above max_duplicate_rate (pipeline default); not for cfDNA
  nor any library with UMIs (anchored PCR), whose families are copies by design (unique molecules
  are what LOW_COVERAGE and the support thresholds judge).
- NO_TARGET_READS: fewer than min_target_reads primary reads in the three NTRK loci.
- LOW_MAPPING_QUALITY: more than max_low_mapq_fraction of the reads in the NTRK loci map
  ambiguously (MAPQ < calling.min_mapq): a fusion there would be filtered low_mapq, so a no-call
  cannot be trusted (pipeline default 50 %; e.g. a BAM realigned by an aligner that caps MAPQ).
- UNTESTED_REGIONS: DNA: NTRK introns the panel does not bait.

A threshold of 0 sets its check off: a minimum of 0 passes every value, a maximum of 0 leaves the
metric reported only (issue 21: 0 was accepted by the schema and divided by).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from ..vocabulary import CFDNA, RNA
from ..config import default
from ..vocabulary import NTRK_GENES

FAIL_FLAGS = ("LOW_TUMOUR_CONTENT", "DEGRADED_RNA", "LOW_COVERAGE", "LOW_LIBRARY_COMPLEXITY", "NO_TARGET_READS",
              "LOW_MAPPING_QUALITY")  # fmt: skip
ALL_FLAGS = FAIL_FLAGS + ("UNTESTED_REGIONS",)


@dataclass(frozen=True)
class QCSettings:
    """QC thresholds; defaults from the config schema (``qc``)."""

    min_tumour_content: float = default("qc", "min_tumour_content")
    min_fragment_length: float = default("qc", "min_fragment_length")
    min_dv200: float = default("qc", "min_dv200")
    warn_dv200: float = default("qc", "warn_dv200")
    min_dna_depth: float = default("qc", "min_dna_depth")
    min_cfdna_depth: float = default("qc", "min_cfdna_depth")
    min_housekeeping_fraction: float = default("qc", "min_housekeeping_fraction")
    min_gene_reads: int = default("qc", "min_gene_reads")
    max_duplicate_rate: float = default("qc", "max_duplicate_rate")
    min_target_reads: int = default("qc", "min_target_reads")
    min_detectability: float = default("qc", "min_detectability")
    imbalance_ratio: float = default("qc", "imbalance_ratio")
    imbalance_min_depth: float = default("qc", "imbalance_min_depth")
    max_low_mapq_fraction: float = default("qc", "max_low_mapq_fraction")
    min_observations: int = default("qc", "min_observations")
    min_tin: float = default("qc", "min_tin")
    min_5prime_to_3prime_bias: float = default("qc", "min_5prime_to_3prime_bias")


# What a check concluded.  FAIL raises its flag; WARN is a warning in the reasons; REPORTED has no
# threshold in this assay (shown for the lab's own reference range); EXPLAINED: the NTRK 3'/5'
# imbalance of the gene the sample's qualifying fusion joins, which is what that fusion does.
# NOT_GIVEN: a sheet value the lab did not give; NOT_MEASURABLE: a metric the reads could not measure
# (too few observations, or none).
PASS, FAIL, WARN, REPORTED, NOT_GIVEN, EXPLAINED = "pass", "fail", "warn", "reported", "not given", "explained"
NOT_MEASURABLE = "not measurable"


@dataclass(frozen=True)
class Check:
    """One metric against its threshold, decided here once; flags, result and reports read it."""

    metric: str  # the key in qc.json ``metrics`` (or the sample sheet column)
    label: str  # in words, for the reports
    value: float | None
    shown: str  # the value with its unit
    threshold: str = ""  # "" when the metric is only reported
    status: str = REPORTED
    flag: str | None = None  # raised when status is FAIL ("WARN" for a warning)
    reason: str | None = None  # in words, when status is FAIL or WARN
    ratio: float | None = None  # value / threshold, for the plot against thresholds
    upper: bool = False  # the threshold is a maximum (the value passes below it)

    def to_dict(self) -> dict:
        return asdict(self)


def _pct(x: float | None, digits: int = 0) -> str:
    return NOT_MEASURABLE if x is None else f"{x * 100:.{digits}f}%"


def _num(x: float | None, unit: str = "", digits: int = 0) -> str:
    return NOT_MEASURABLE if x is None else f"{x:.{digits}f}{unit}"


def _ratio(value: float | None, threshold: float) -> float | None:
    """value / threshold, for the plot against thresholds; none for a check set off (0)."""
    return None if value is None or not threshold else value / threshold


def _at_most(value: float, threshold: float) -> str:
    """A maximum of 0 sets its check off (``CHECK_OFF``), as a minimum of 0 passes everything."""
    return REPORTED if not threshold else (FAIL if value > threshold else PASS)


def _of(shown: str, n: int | None, what: str) -> str:
    """A value with the number of observations behind it: '139 bp (7 fragments)'."""
    return shown if n is None else f"{shown} ({n:,} {what}{'' if n == 1 else 's'})"


def imbalanced(metrics: dict, gene: str, s: QCSettings) -> bool:
    """NTRK 3' exons expressed far above the 5' exons, with enough 3' depth to say so (RNA)."""
    ratio, depth3 = metrics.get(f"{gene}_3to5_ratio"), metrics.get(f"{gene}_3prime_depth") or 0
    return ratio is not None and ratio >= s.imbalance_ratio and depth3 >= s.imbalance_min_depth


def checks(assay: str, metrics: dict, tumour_content: float | None, dv200: float | None, ntrk_reads: int,
           s: QCSettings, umis: bool = False, fused_genes: frozenset[str] = frozenset()) -> list[Check]:  # fmt: skip
    """Every metric of the sample against its threshold, in report order.  ``umis``: the library
    has UMIs; ``fused_genes``: the NTRK genes of the sample's qualifying fusions."""
    out = [_tumour_content(assay, tumour_content, s)]
    out.append(Check("ntrk_reads", "reads in the NTRK loci", ntrk_reads, f"{ntrk_reads:,}", f"≥ {s.min_target_reads}",
                     FAIL if ntrk_reads < s.min_target_reads else PASS, "NO_TARGET_READS",
                     f"{ntrk_reads} reads in the NTRK loci < {s.min_target_reads}"))  # fmt: skip
    low = metrics.get("ntrk_low_mapq_fraction")
    if low is not None:
        out.append(Check("ntrk_low_mapq_fraction", "NTRK reads mapped ambiguously", low, _pct(low),
                         f"≤ {_pct(s.max_low_mapq_fraction)}", _at_most(low, s.max_low_mapq_fraction),
                         "LOW_MAPPING_QUALITY", f"{low:.0%} of the reads in the NTRK loci map ambiguously "
                         f"(> {s.max_low_mapq_fraction:.0%})", _ratio(low, s.max_low_mapq_fraction), upper=True))  # fmt: skip
    dup = metrics.get("duplicate_rate")
    if metrics.get("long_reads"):
        out.append(Check("duplicate_rate", "duplicate rate", None, "not applicable",
                         "not applicable to long reads: each read is one whole molecule"))  # fmt: skip
    elif dup is not None and (umis or assay == CFDNA):  # UMI families are copies by design
        out.append(Check("duplicate_rate", "duplicate rate (UMI families)", dup, _pct(dup, 1)))
    elif dup is not None:
        out.append(Check("duplicate_rate", "duplicate rate", dup, _pct(dup, 1), f"≤ {_pct(s.max_duplicate_rate)}",
                         _at_most(dup, s.max_duplicate_rate), "LOW_LIBRARY_COMPLEXITY",
                         f"duplicate rate {dup:.0%} > {s.max_duplicate_rate:.0%}", _ratio(dup, s.max_duplicate_rate),
                         upper=True))  # fmt: skip
    if assay == RNA:
        return out + _rna_checks(metrics, dv200, s, fused_genes) + _integrity_checks(metrics, s, umis) + \
            _detectability_checks(metrics, s, bool(fused_genes))
    return out + _dna_checks(metrics, s, s.min_cfdna_depth if assay == CFDNA else s.min_dna_depth, bool(fused_genes))


def _tumour_content(assay: str, tc: float | None, s: QCSettings) -> Check:
    if tc is None:
        return Check("tumour_content", "tumour content", None, NOT_GIVEN, f"≥ {s.min_tumour_content:g}%", FAIL,
                     "LOW_TUMOUR_CONTENT", "tumour content not given (not assumed to be 100%)")  # fmt: skip
    if assay == CFDNA:  # a plasma tumour fraction of a few % is judged by detectability
        return Check("tumour_content", "tumour fraction", tc, f"{tc:g}%", "judged by detectability")
    return Check("tumour_content", "tumour content", tc, f"{tc:g}%", f"≥ {s.min_tumour_content:g}%",
                 FAIL if tc < s.min_tumour_content else PASS, "LOW_TUMOUR_CONTENT",
                 f"tumour content {tc:g}% < {s.min_tumour_content:g}%", _ratio(tc, s.min_tumour_content))  # fmt: skip


def _rna_checks(m: dict, dv200: float | None, s: QCSettings, fused_genes: frozenset[str]) -> list[Check]:
    out = _long_read_checks(m) if m.get("long_reads") else [_fragment_length(m, s)]
    return out + _dv200_and_coverage(m, dv200, s) + _imbalance_checks(m, s, fused_genes)


def _fragment_length(m: dict, s: QCSettings) -> Check:
    frag, n = m.get("median_fragment_length"), m.get("fragment_lengths_measured")
    measured = frag is not None and (n is None or n >= s.min_observations)
    status = (PASS if frag >= s.min_fragment_length else FAIL) if measured else NOT_MEASURABLE
    return Check("median_fragment_length", "median fragment length", frag if measured else None,
                 _of(_num(frag, " bp"), n, "fragment"), f"≥ {s.min_fragment_length:.0f} bp (from ≥ {s.min_observations})",
                 status, "DEGRADED_RNA", f"median fragment length {_num(frag, ' bp')} < {s.min_fragment_length:.0f} bp",
                 _ratio(frag, s.min_fragment_length) if measured else None)  # fmt: skip


def _long_read_checks(m: dict) -> list[Check]:
    """A long-read library's integrity in its own terms, reported (no threshold has been
    validated): the median read length and the share of full-length control-gene reads.  A
    degraded library also fails the TIN and 5'/3' bias checks, which apply to it as they are."""
    length, n, whole = m.get("median_read_length"), m.get("read_lengths_measured"), m.get("full_length_fraction")
    return [Check("median_read_length", "median read length", length, _of(_num(length, " bases"), n, "read")),
            Check("full_length_fraction", "full-length control-gene reads", whole, _pct(whole))]  # fmt: skip


def _dv200_and_coverage(m: dict, dv200: float | None, s: QCSettings) -> list[Check]:
    out = []
    if dv200 is None:
        out.append(Check("dv200", "DV200", None, NOT_GIVEN, f"≥ {s.min_dv200:g}%", REPORTED))
    elif dv200 < s.min_dv200:
        out.append(Check("dv200", "DV200", dv200, f"{dv200:g}%", f"≥ {s.min_dv200:g}%", FAIL, "DEGRADED_RNA",
                         f"DV200 {dv200:g}% < {s.min_dv200:g}%", _ratio(dv200, s.min_dv200)))  # fmt: skip
    else:
        out.append(Check("dv200", "DV200", dv200, f"{dv200:g}%", f"≥ {s.min_dv200:g}% (warn < {s.warn_dv200:g}%)",
                         WARN if dv200 < s.warn_dv200 else PASS, "WARN", f"DV200 {dv200:g}% below {s.warn_dv200:g}%",
                         _ratio(dv200, s.min_dv200)))  # fmt: skip
    fraction = m.get("housekeeping_expressed_fraction")
    if fraction is None:
        missing = m.get("housekeeping_not_annotated") or []  # the control genes were looked for, none found
        named = f" ({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''})"
        out.append(Check("housekeeping_expressed_fraction", "housekeeping genes expressed", None, "none annotated",
                         f"≥ {_pct(s.min_housekeeping_fraction)}", FAIL if missing else NOT_MEASURABLE, "LOW_COVERAGE",
                         f"none of the housekeeping genes{named} is in the annotation: RNA coverage could not be "
                         "assessed (check housekeeping_genes)"))  # fmt: skip
    else:
        out.append(Check("housekeeping_expressed_fraction", "housekeeping genes expressed", fraction,
                         f"{m.get('housekeeping_expressed')} ({_pct(fraction)})", f"≥ {_pct(s.min_housekeeping_fraction)}",
                         FAIL if fraction < s.min_housekeeping_fraction else PASS, "LOW_COVERAGE",
                         f"housekeeping genes expressed {m.get('housekeeping_expressed')}",
                         _ratio(fraction, s.min_housekeeping_fraction)))  # fmt: skip
    return out


def _imbalance_checks(m: dict, s: QCSettings, fused_genes: frozenset[str]) -> list[Check]:
    out = []
    for gene in NTRK_GENES:
        ratio = m.get(f"{gene}_3to5_ratio")
        if ratio is None:
            continue
        status = (EXPLAINED if gene in fused_genes else FAIL) if imbalanced(m, gene, s) else PASS
        if (m.get(f"{gene}_3prime_depth") or 0) < s.imbalance_min_depth:
            status = REPORTED  # too little 3' depth for the ratio to mean anything
        out.append(Check(f"{gene}_3to5_ratio", f"{gene} 3′/5′ exon depth ratio", ratio, f"{ratio:.1f}×",
                         f"< {s.imbalance_ratio:g}× (3′ depth ≥ {s.imbalance_min_depth:g})", status, None,
                         f"{gene} 3'/5' expression imbalance {ratio:.1f}x"))  # fmt: skip
    return out


def _integrity_checks(m: dict, s: QCSettings, umis: bool) -> list[Check]:
    """RNA integrity read from the library itself, whether or not the sheet gives a DV200 (the
    library sequenced is what the test saw): median TIN and 5'/3' coverage bias of the control
    genes, and their junction yield.  A primed panel (UMIs: anchored PCR) has neither a uniform
    gene body nor a 3' end to its reads: there they are reported only."""
    tin, bias, jy = m.get("median_tin"), m.get("median_5prime_to_3prime_bias"), m.get("junction_yield")
    out = []
    for metric, label, value, shown, least in (("median_tin", "median TIN", tin, _num(tin, "", 1), s.min_tin),
                                                ("median_5prime_to_3prime_bias", "median 5′/3′ coverage bias", bias,
                                                 _num(bias, "", 2), s.min_5prime_to_3prime_bias)):  # fmt: skip
        if umis:
            out.append(Check(metric, label, value, shown, "not applicable to a primed panel"))
        elif value is None:
            out.append(Check(metric, label, None, shown, f"≥ {least:g}", NOT_MEASURABLE))
        else:
            out.append(Check(metric, label, value, shown, f"≥ {least:g}", FAIL if value < least else PASS,
                             "DEGRADED_RNA", f"{label} {shown} < {least:g}", _ratio(value, least)))  # fmt: skip
    out.append(Check("junction_yield", "reads across each control-gene junction", jy, _num(jy, "", 1)))
    return out


def _detectability_checks(m: dict, s: QCSettings, found: bool) -> list[Check]:
    """Per NTRK gene tested: the probability that a fusion would have been found here (RNA: one at
    the assay's measured limit of detection; DNA: a clonal heterozygous one at the sample's tumour
    content).  Below ``min_detectability`` the flag names what limits it: the library
    (LOW_COVERAGE) or the tumour content (LOW_TUMOUR_CONTENT).  ``found``: the sample has a
    qualifying fusion, so what it could have missed is only reported.  Genes with the same value
    share one reason (RNA has one value for all three), said once."""
    limited = m.get("detectability_limited_by") or "LOW_TUMOUR_CONTENT"
    by_gene = dict(sorted((m.get("detectability") or {}).items()))
    out = []
    for gene, p in by_gene.items():
        genes = _and([g for g, q in by_gene.items() if q == p])
        failing = p is None or p < s.min_detectability
        status = REPORTED if found or not s.min_detectability else FAIL if failing else PASS  # 0: off
        if p is None:
            why = m.get("detectability_missing") or "it cannot be computed"
            reason = f"detectability for {genes} not measurable: {why}"
        elif m.get("detectability_at_lod"):
            reason = (f"an NTRK fusion at this test's limit of detection would have been found in {genes} with "
                      f"{_below(p, s.min_detectability)} probability (< {s.min_detectability:.0%})")
        else:
            reason = f"detectability for {genes} {_below(p, s.min_detectability)}"
        out.append(Check(f"detectability.{gene}", f"detectability {gene}", p, NOT_MEASURABLE if p is None else _pct(p, 1),
                         f"≥ {_pct(s.min_detectability)}", status, limited, reason if status == FAIL else None,
                         None if p is None else _ratio(p, s.min_detectability)))  # fmt: skip
    return out


def _below(p: float, least: float) -> str:
    """A probability below ``least`` in words, never rounded up to it ('94.96%' under 95%, not '95%')."""
    whole = f"{p:.0%}"
    return whole if whole != f"{least:.0%}" else f"{math.floor(p * 10000) / 100:.2f}%"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _dna_checks(m: dict, s: QCSettings, min_depth: float, found: bool) -> list[Check]:
    depth, low = m.get("median_exon_depth"), m.get("min_baited_intron_depth")
    out = [Check("median_exon_depth", "median NTRK exon depth (unique)", depth, _num(depth, "×"), f"≥ {min_depth:.0f}×",
                 FAIL if depth is not None and depth < min_depth else PASS, "LOW_COVERAGE",
                 f"median NTRK exon depth {_num(depth, 'x')} < {min_depth:.0f}x",
                 _ratio(depth, min_depth))]  # fmt: skip
    if low is not None:
        out.append(Check("min_baited_intron_depth", "lowest baited NTRK intron depth", low, _num(low, "×"),
                         f"≥ {min_depth:.0f}×", FAIL if low < min_depth else PASS, "LOW_COVERAGE",
                         f"lowest baited NTRK intron depth {low:.0f}x < {min_depth:.0f}x", _ratio(low, min_depth)))  # fmt: skip
    insert, n = m.get("median_insert_size"), m.get("insert_sizes_measured")
    shown = _of(_num(insert, " bp"), n, "pair")
    out.append(Check("median_insert_size", "median insert size", insert, shown,
                     status=REPORTED if insert is not None and (n is None or n >= s.min_observations) else NOT_MEASURABLE))
    return out + _detectability_checks(m, s, found)


def flags_from(decided: list[Check], assay: str, metrics: dict) -> dict[str, list[str]]:
    """The flags (flag -> reasons) the checks raise, and the NTRK introns a DNA panel leaves untested."""
    flags: dict[str, list[str]] = {}
    for c in decided:
        if c.status in (FAIL, WARN) and c.flag and c.reason not in flags.get(c.flag, []):
            flags.setdefault(c.flag, []).append(c.reason)  # a reason several checks share, said once
    if assay != RNA and metrics.get("untested_regions"):
        genes = sorted({r["gene"] for r in metrics["untested_regions"]})
        absent = set(metrics.get("genes_not_in_panel") or [])
        summary = "; ".join(f"{g} (no exon in the panel)" if g in absent else
                            f"{g} introns {_numbers(metrics['untested_regions'], g)}" for g in genes)  # fmt: skip
        flags.setdefault("UNTESTED_REGIONS", []).append(f"not baited: {summary}")
    return flags


def _numbers(regions: list[dict], gene: str) -> str:
    """A gene's untested intron numbers as runs: '1-3,7'."""
    nums = sorted(r["intron"] for r in regions if r["gene"] == gene)
    runs, start = [], None
    for i, n in enumerate(nums):
        if start is None:
            start = n
        if i + 1 == len(nums) or nums[i + 1] != n + 1:
            runs.append(f"{start}" if start == n else f"{start}-{n}")
            start = None
    return ",".join(runs)
