"""Self-contained HTML reports (no network at view time): one per sample and one per cohort."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd

from .. import __version__
from ..assays import CFDNA, genomic
from ..annotation import load_annotation
from ..calling import table as fusion_table
from ..io import atomic_write
from ..qc.flags import QCSettings
from . import plots
from .diagram import ENV, fusion_svg


def sample_report(qc_json: str | Path, fusions_parquet: str | Path, annotation: str, out: str | Path,
                  settings: QCSettings | None = None) -> str:  # fmt: skip
    qc = json.loads(Path(qc_json).read_text())
    ann = load_annotation(annotation)
    fusions = []
    for row in fusion_table.read(fusions_parquet).to_dict("records"):
        row = {k: (None if pd.isna(v) else v) for k, v in row.items()}
        drawable = row["exon5"] is not None and row["exon3"] is not None and "unknown" not in row["fusion"]
        row["svg"] = fusion_svg(ann, row) if drawable and _annotated(ann, row) else "<p>(no diagram: partner or exons unknown)</p>"
        fusions.append(row)
    settings = settings or QCSettings()
    metrics = metric_rows(qc, settings)
    m = qc["metrics"]
    figures = [plots.exon_coverage(m), plots.against_thresholds(metrics)]
    if qc["assay"] == "rna":
        figures += [plots.imbalance(m, settings.imbalance_ratio), plots.fragment_lengths(m, settings.min_fragment_length)]
    html = ENV.get_template("sample.html.j2").render(
        qc=qc, fusions=fusions, metrics=metrics, plots=[f for f in figures if f],
        limitations=limitations(qc), version=__version__, build=qc.get("build", ""),
    )  # fmt: skip
    atomic_write(out, html)
    return html


def cohort_report(samples_parquet: str | Path, out: str | Path, build: str = "") -> str:
    samples = pd.read_parquet(samples_parquet)
    rows = [{k: (None if pd.isna(v) else v) for k, v in r.items()} for r in samples.to_dict("records")]
    counts = Counter(r["result"] for r in rows)
    html = ENV.get_template("cohort.html.j2").render(
        samples=rows, counts={k: counts[k] for k in ("POSITIVE", "INDETERMINATE", "NEGATIVE") if counts[k]},
        version=__version__, build=build,
    )  # fmt: skip
    atomic_write(out, html)
    return html


def _annotated(ann, row) -> bool:
    try:
        ann.transcript(row["gene5"]), ann.transcript(row["gene3"])
    except KeyError:
        return False
    return True


def metric_rows(qc: dict, s: QCSettings) -> list[dict]:
    """Metrics beside their thresholds; ``fails`` marks the ones that raise a flag."""
    m = qc["metrics"]
    rows = []

    def add(name, value, threshold, fails=False, fmt="{:.0f}", limit=None):
        shown = "—" if value is None else (fmt.format(value) if isinstance(value, (int, float)) else str(value))
        ratio = value / limit if limit and isinstance(value, (int, float)) else None
        rows.append(dict(name=name, value=shown, threshold=threshold, fails=bool(value is not None and fails),
                         ratio=ratio))  # fmt: skip

    dup = m.get("duplicate_rate")
    add("duplicate rate", dup, f"≤ {s.max_duplicate_rate:.0%}", dup is not None and dup > s.max_duplicate_rate, "{:.1%}",
        limit=s.max_duplicate_rate)  # fmt: skip
    if qc["assay"] == "rna":
        frag = m.get("median_fragment_length")
        add("median fragment length (bp)", frag, f"≥ {s.min_fragment_length:.0f}",
            frag is not None and frag < s.min_fragment_length, limit=s.min_fragment_length)  # fmt: skip
        add("housekeeping genes expressed", m.get("housekeeping_expressed"), f"≥ {s.min_housekeeping_fraction:.0%}")
        add("median TIN", m.get("median_tin"), "reported (lab reference range)", fmt="{:.1f}")
        add("median 5′/3′ coverage bias", m.get("median_5prime_to_3prime_bias"), "reported", fmt="{:.2f}")
        for gene in ("NTRK1", "NTRK2", "NTRK3"):
            ratio = m.get(f"{gene}_3to5_ratio")
            add(f"{gene} 3′/5′ exon depth ratio", ratio, f"< {s.imbalance_ratio:g}×", fmt="{:.1f}",
                fails=ratio is not None and ratio >= s.imbalance_ratio and m.get(f"{gene}_3prime_depth", 0) >= s.imbalance_min_depth)  # fmt: skip
    else:
        depth = m.get("median_exon_depth")
        add("median NTRK exon depth (unique)", depth, f"≥ {s.min_dna_depth:.0f}×",
            depth is not None and depth < s.min_dna_depth, limit=s.min_dna_depth)  # fmt: skip
        low = m.get("min_baited_intron_depth")
        add("lowest baited NTRK intron depth", low, f"≥ {s.min_dna_depth:.0f}×",
            low is not None and low < s.min_dna_depth, limit=s.min_dna_depth)  # fmt: skip
        add("median insert size (bp)", m.get("median_insert_size"), "reported")
        for gene, p in sorted((m.get("detectability") or {}).items()):
            add(f"detectability {gene}", p, f"≥ {s.min_detectability:.0%}", p < s.min_detectability, "{:.1%}",
                limit=s.min_detectability)  # fmt: skip
    return rows


def limitations(qc: dict) -> list[str]:
    """The limitations paragraph, fitted to the sample."""
    lines = ["A negative result does not rule out an NTRK fusion below the limit of detection of this assay, "
             "or one whose evidence lies outside the regions examined."]  # fmt: skip
    flags = set(qc["qc_flags"])
    if genomic(qc["assay"]):
        untested = qc["metrics"].get("untested_regions") or []
        genes = sorted({r.split()[0] for r in untested})
        if genes:
            lines.append(f"This DNA panel does not bait {len(untested)} NTRK introns ({', '.join(genes)}): breakpoints "
                         "there are missed. Where the pre-test probability is high, test RNA (RNA-NGS).")  # fmt: skip
        if qc["result"] == "POSITIVE":
            lines.append("DNA shows a genomic rearrangement; the fused transcript and its frame are inferred. "
                         "Confirm expression by RNA-NGS, FISH or RT-PCR where indicated.")  # fmt: skip
    if qc["assay"] == CFDNA and qc["result"] != "POSITIVE":
        lines.append("Plasma cell-free DNA: a tumour may shed too little DNA for its fusion to be seen; a negative "
                     "liquid biopsy does not exclude a fusion in the tumour. Test tissue where possible.")  # fmt: skip
    if flags & {"DEGRADED_RNA", "LOW_TUMOUR_CONTENT", "LOW_COVERAGE", "LOW_LIBRARY_COMPLEXITY", "NO_TARGET_READS"}:
        lines.append("The material limits this test (" + ", ".join(sorted(flags - {"UNTESTED_REGIONS"})) + "): "
                     "repeat on another block, or confirm with an orthogonal test (RNA-NGS, FISH, RT-PCR).")  # fmt: skip
    if qc["result"] == "INDETERMINATE":
        lines.append("The result is indeterminate: it neither shows nor excludes an NTRK fusion.")
    return lines
