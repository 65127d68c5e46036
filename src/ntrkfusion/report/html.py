"""Self-contained HTML reports (no network at view time): one per sample and one per cohort."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from collections import Counter
from pathlib import Path

import pandas as pd
from ..vocabulary import RESULTS_ORDER

from ..vocabulary import RNA
from .. import __version__
from ..annotation import Annotation
from ..io import atomic_write
from ..qc.flags import QCSettings
from ..records import SampleResult
from ..calling.naming import UNKNOWN
from . import plots, words
from . import reads as reads_module
from .diagram import ENV, fusion_svg


def sample_report(qc: SampleResult, table: pd.DataFrame, ann: Annotation, out: str | Path,
                  settings: QCSettings | None = None, reads: reads_module.SupportingReads | None = None,
                  reference: str | None = None, lab: LabText | None = None) -> str:  # fmt: skip
    """The sign-out report of one sample.  Every verdict it shows (result, flags, each metric
    against its threshold) is the ``SampleResult``'s; the report only words and draws it.  With
    the supporting ``reads`` (a BAM) and a ``reference``, it embeds the reads view."""
    fusions = [_fusion(ann, row) for row in table.to_dict("records")]
    for f in fusions:  # long reads: each supporting read's exons, 5' partner first
        f["exon_paths"] = (reads.paths.get(int(f["candidate"]), []) if reads is not None else [])[:MAX_PATHS]
    fusions.sort(key=lambda f: bool(f["filters"]))  # passing candidates first, set-aside ones below (stable)
    best = next((f for f in fusions if f["fusion"] == qc.best_fusion and not f["filters"]), None)
    settings = settings or QCSettings()
    checks = qc.checks or []
    m = qc.metrics
    figures = [plots.exon_coverage(m), plots.against_thresholds(checks)]
    if qc.assay == RNA:
        figures += [plots.imbalance(m, settings.imbalance_ratio), plots.fragment_lengths(m, settings.min_fragment_length)]
    provenance = qc.provenance or {}
    html = ENV.get_template("sample.html.j2").render(
        qc=qc, fusions=fusions, checks=checks, plots=[f for f in figures if f], headline=words.headline(qc, best),
        limitations=words.limitations(qc), version=__version__, build=qc.build or "",
        date=(provenance.get("date") or "")[:10], annotation=(provenance.get("annotation") or {}).get("source") or "",
        words=words, **reads_view(table, reads, reference, ann), lab=lab or LabText.default(),
    )  # fmt: skip
    atomic_write(out, html)
    return html


MAX_PATHS = 5  # long reads' exon paths listed per candidate, commonest first


@dataclass(frozen=True)
class LabText:
    """What the laboratory says on each report: its interpretation per result, and what the methods
    paragraph needs of the settings."""

    interpretation: dict  # result -> text (config.interpretation_texts)
    needed: int  # supporting molecules a novel-partner fusion needs (the assay's threshold)
    padding: int  # bases read on each side of the NTRK genes

    @classmethod
    def default(cls) -> "LabText":
        from ..config import default, interpretation_texts

        return cls(interpretation_texts(None), default("calling", "min_fragments"), default("ntrk_padding"))


def reads_view(fusions: pd.DataFrame, reads: reads_module.SupportingReads | None, reference: str | None,
               ann: Annotation | None = None) -> dict:  # fmt: skip
    """What the template needs for the reads view: the panels and igv.js, or why there are none
    (said for the reader of the report; how to set a reference is the README's and the log's)."""
    if not len(reads_module.shown(fusions)):
        return dict(reads_views=[], igv_js=None, reads_note=None)
    kept = "The supporting reads are kept beside this report (supporting_reads.bam) for review in IGV."
    js = reads_module.igv_js()
    if not reference or js is None or reads is None:
        return dict(reads_views=[], igv_js=None, reads_note=kept)
    return dict(reads_views=reads_module.views(reads, reference, fusions, ann), igv_js=js, reads_note=None)


def _fusion(ann, row: dict) -> dict:
    """A fusion-table row for the report: its diagram and its filters in words."""
    row = {k: (None if pd.isna(v) else v) for k, v in row.items()}
    drawable = row["exon5"] is not None and row["exon3"] is not None and UNKNOWN not in (row["gene5"], row["gene3"])
    if drawable and _annotated(ann, row):
        row["svg"] = fusion_svg(ann, row)
    else:
        row["svg"] = "<p>(no diagram: partner or exons unknown)</p>"
    row["filter_words"] = words.filter_words(row["filters"])
    return row


def cohort_report(samples: pd.DataFrame, out: str | Path, run: dict | None = None) -> str:
    """One page with every sample's result (the cohort's samples table), linking to each
    sample's report; with the run's ``run`` record (results/run_info.json), what the run was."""
    rows = [{k: (v if isinstance(v, list) or not pd.isna(v) else None) for k, v in r.items()}
            for r in samples.to_dict("records")]  # fmt: skip
    counts = Counter(r["result"] for r in rows)
    html = ENV.get_template("cohort.html.j2").render(
        samples=rows, counts={k: counts[k] for k in RESULTS_ORDER if counts[k]},
        version=__version__, build=", ".join(sorted({r["build"] for r in rows if r["build"]})),
        links={r["sample"]: f"{r['sample']}/report.html" for r in rows},
        zip_ids={r["sample"]: snakemake_report_id(f"results/{r['sample']}/report.html") for r in rows},
        run=run, date=(run or {}).get("date", "")[:10],
    )  # fmt: skip
    atomic_write(out, html)
    return html


def snakemake_report_id(path: str) -> str:
    """Where ``snakemake --report report.zip`` stores an output: report/data/raw/<id>/<name>, the id
    being the first 16 hex digits of the SHA-256 of its path (snakemake.common.get_report_id,
    FILE_HASH_PREFIX_LEN; tests/test_report.py checks the links inside a real report.zip)."""
    return hashlib.sha256(path.encode()).hexdigest()[:16]


def _annotated(ann, row) -> bool:
    try:
        ann.transcript(row["gene5"]), ann.transcript(row["gene3"])
    except KeyError:
        return False
    return True
