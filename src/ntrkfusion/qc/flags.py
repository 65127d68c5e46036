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
  J Mol Diagn 2023).
- LOW_LIBRARY_COMPLEXITY: duplicate rate above max_duplicate_rate (pipeline default); not for cfDNA
  nor any library with UMIs (anchored PCR), whose families are copies by design (unique molecules
  are what LOW_COVERAGE and the support thresholds judge).
- NO_TARGET_READS: fewer than min_target_reads primary reads in the three NTRK loci.
- LOW_MAPPING_QUALITY: more than max_low_mapq_fraction of the reads in the NTRK loci map
  ambiguously (MAPQ < calling.min_mapq): a fusion there would be filtered low_mapq, so a no-call
  cannot be trusted (pipeline default 50 %; e.g. a BAM realigned by an aligner that caps MAPQ).
- UNTESTED_REGIONS: DNA: NTRK introns the panel does not bait.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..assays import CFDNA, RNA
from ..config import default

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


def qc_flags(assay: str, metrics: dict, tumour_content: float | None, dv200: float | None,
             ntrk_reads: int, s: QCSettings, umis: bool = False) -> dict[str, list[str]]:  # fmt: skip
    """Flag -> reasons (only raised flags); warnings that raise no flag go under "WARN".
    ``umis``: the library has UMIs (its duplicate rate is then by design)."""
    flags: dict[str, list[str]] = {}

    def add(flag, reason):
        flags.setdefault(flag, []).append(reason)

    if tumour_content is None:
        add("LOW_TUMOUR_CONTENT", "tumour content not given (not assumed to be 100%)")
    elif assay != CFDNA and tumour_content < s.min_tumour_content:  # cfDNA: judged by detectability
        add("LOW_TUMOUR_CONTENT", f"tumour content {tumour_content:g}% < {s.min_tumour_content:g}%")
    if ntrk_reads < s.min_target_reads:
        add("NO_TARGET_READS", f"{ntrk_reads} reads in the NTRK loci < {s.min_target_reads}")
    low_mapq = metrics.get("ntrk_low_mapq_fraction")
    if low_mapq is not None and low_mapq > s.max_low_mapq_fraction:
        add("LOW_MAPPING_QUALITY", f"{low_mapq:.0%} of the reads in the NTRK loci map ambiguously "
                                   f"(> {s.max_low_mapq_fraction:.0%})")  # fmt: skip
    dup = metrics.get("duplicate_rate")
    if dup is not None and dup > s.max_duplicate_rate and not (umis or assay == CFDNA):  # UMI families: by design
        add("LOW_LIBRARY_COMPLEXITY", f"duplicate rate {dup:.0%} > {s.max_duplicate_rate:.0%}")
    if assay == RNA:
        _rna_flags(metrics, dv200, s, add)
    else:
        _dna_flags(metrics, s, add, s.min_cfdna_depth if assay == CFDNA else s.min_dna_depth)
    return flags


def _rna_flags(m: dict, dv200: float | None, s: QCSettings, add) -> None:
    frag = m.get("median_fragment_length")
    if frag is not None and frag < s.min_fragment_length:
        add("DEGRADED_RNA", f"median fragment length {frag:.0f} bp < {s.min_fragment_length:.0f} bp")
    if dv200 is not None and dv200 < s.min_dv200:
        add("DEGRADED_RNA", f"DV200 {dv200:g}% < {s.min_dv200:g}%")
    elif dv200 is not None and dv200 < s.warn_dv200:
        add("WARN", f"DV200 {dv200:g}% below {s.warn_dv200:g}%")
    fraction = m.get("housekeeping_expressed_fraction")
    if fraction is None:
        add("WARN", "no housekeeping gene in the annotation: RNA coverage not assessed")
    elif fraction < s.min_housekeeping_fraction:
        add("LOW_COVERAGE", f"housekeeping genes expressed {m['housekeeping_expressed']}")


def _dna_flags(m: dict, s: QCSettings, add, min_depth: float) -> None:
    if m["median_exon_depth"] < min_depth:
        add("LOW_COVERAGE", f"median NTRK exon depth {m['median_exon_depth']:.0f}x < {min_depth:.0f}x")
    low = m.get("min_baited_intron_depth")
    if low is not None and low < min_depth:
        add("LOW_COVERAGE", f"lowest baited NTRK intron depth {low:.0f}x < {min_depth:.0f}x")
    for gene, p in sorted(m.get("detectability", {}).items()):
        if p < s.min_detectability:
            add("LOW_TUMOUR_CONTENT", f"detectability for {gene} {p:.0%}")
    if m.get("untested_regions"):
        genes = sorted({r.split()[0] for r in m["untested_regions"]})
        absent = set(m.get("genes_not_in_panel") or [])
        summary = "; ".join(f"{g} (no exon in the panel)" if g in absent else
                            f"{g} introns {_numbers(m['untested_regions'], g)}" for g in genes)  # fmt: skip
        add("UNTESTED_REGIONS", f"not baited: {summary}")


def _numbers(regions: list[str], gene: str) -> str:
    nums = sorted(int(r.split()[-1]) for r in regions if r.startswith(gene + " "))
    runs, start = [], None
    for i, n in enumerate(nums):
        if start is None:
            start = n
        if i + 1 == len(nums) or nums[i + 1] != n + 1:
            runs.append(f"{start}" if start == n else f"{start}-{n}")
            start = None
    return ",".join(runs)
