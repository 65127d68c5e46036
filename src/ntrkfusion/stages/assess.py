"""The assessing stage: the material measured, each metric against its threshold, the QC flags,
and the result with its reasons (``SampleResult``, written as qc.json)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pysam

from ..annotation import Annotation
from ..calling.filters import BEARING
from ..calling.molecules import umi_reader
from ..calling.naming import UNKNOWN
from ..calling.table import qualifying
from ..config import control_genes, with_defaults
from ..genome import ContigNames
from ..qc.detectability import rna_metrics as rna_detectability_metrics
from ..qc.dna import dna_metrics
from ..qc.flags import ALL_FLAGS, QCSettings, checks, flags_from
from ..qc.lod import kind_of
from ..qc.result import decide, deciding
from ..qc.rna import rna_metrics
from ..records import SampleResult
from ..samplesheet import Sample
from ..vocabulary import CFDNA, NTRK_GENES, RNA, UmiSource
from .call import Called


def qc_settings(config: dict) -> QCSettings:
    qc = with_defaults(config)["qc"]
    return QCSettings(**{f.name: qc[f.name] for f in fields(QCSettings)})


def required_support(assay: str, config: dict) -> int:
    """The support a novel-partner fusion needs in this assay: what detectability asks for."""
    calling = with_defaults(config)["calling"]
    return calling["min_fragments_cfdna"] if assay == CFDNA else calling["min_fragments"]


def assess(sample: Sample, called: Called, bam: pysam.AlignmentFile, ann: Annotation, config: dict,
           annotation: str) -> SampleResult:  # fmt: skip
    """Metrics, checks, flags, result and reasons of one sample.  ``config``: the sample's
    (``config.for_sample``); ``annotation``: the build or folder ``ann`` was read from."""
    s = qc_settings(config)
    reference = config.get("reference") or None
    info, fusions = called.info, called.fusions
    metrics = _metrics(sample, bam, ann, config, s, info.long_reads)
    metrics["lod_kind"] = kind_of(sample.assay, info.aligner, umi_reader(config).source != UmiSource.NONE,
                                  info.long_reads)  # fmt: skip
    if sample.assay == RNA:
        metrics |= rna_detectability_metrics(metrics["lod_kind"], metrics.get("junction_yield"),
                                             sample.tumour_content, required_support(sample.assay, config),
                                             NTRK_GENES, reference is not None)  # fmt: skip
    metrics["ntrk_low_mapq_fraction"] = info.low_mapq_reads / info.ntrk_reads if info.ntrk_reads else None
    passing = qualifying(fusions)
    reader = umi_reader(config)
    decisions = checks(sample.assay, metrics, sample.tumour_content, sample.dv200, info.ntrk_reads, s,
                       reader.source != UmiSource.NONE, frozenset(passing["gene3"]) | frozenset(passing["gene5"]))  # fmt: skip
    flags = flags_from(decisions, sample.assay, metrics)
    result, reasons = decide(fusions, flags, metrics, sample.assay, s)
    decided = deciding(decisions, result)
    best = passing.iloc[0] if len(passing) else None
    log = logging.getLogger(__name__)
    log.info("%s %s: %d reads in the NTRK loci; flags %s", sample.sample, sample.assay, info.ntrk_reads,
             sorted(flags) or "none")  # fmt: skip
    log.info("result %s: %s", result, "; ".join(reasons))
    return SampleResult(
        sample=sample.sample, assay=sample.assay, result=result, reasons=reasons,
        qc_flags=[f for f in ALL_FLAGS if f in flags],
        warnings=flags.get("WARN", []) + list(info.warnings) + _reference_hint(fusions, reference),
        inputs=dict(bam=info.bam, index=info.index, reference=reference, fingerprint=info.fingerprint,
                    aligner=info.aligner, read_group_samples=list(info.read_group_samples),
                    partner_genes=list(info.partner_genes)),
        best_fusion=None if best is None else best["fusion"],
        best_fusion_name=None if best is None else best["vicc_name"],
        best_fusion_fragments=None if best is None else int(best["supporting_fragments"]),
        tumour_content=sample.tumour_content, dv200=sample.dv200, build=info.build, ntrk_reads=info.ntrk_reads,
        background=background(fusions, called.evidence), metrics=metrics,
        checks=[dict(c.to_dict(), decides=c.metric in decided) for c in decisions],
        provenance=provenance(config, annotation), specimen=dict(sample.specimen),
    )  # fmt: skip


def _metrics(sample: Sample, bam: pysam.AlignmentFile, ann: Annotation, config: dict, s: QCSettings,
             long_reads: bool = False) -> dict:  # fmt: skip
    contigs = ContigNames(tuple(bam.references))
    reader = umi_reader(config)
    umi = reader if reader.source != UmiSource.NONE else None
    if sample.assay == RNA:
        return rna_metrics(bam, ann, contigs, s.min_gene_reads, control_genes(config.get("housekeeping_genes")), umi,
                           long_reads)  # fmt: skip
    return dna_metrics(bam, ann, contigs, sample.panel_bed, sample.tumour_content,
                       required_support(sample.assay, config), umi)  # fmt: skip


def _reference_hint(fusions: pd.DataFrame, reference: str | None) -> list[str]:
    """Without a reference, a candidate that bears on the result but whose partner no split
    read or mate placed: say that a reference would let the clipped reads name it."""
    if reference:
        return []
    bearing = fusions[fusions["classification"].isin([str(c) for c in BEARING])]
    unnamed = sorted(set(bearing.loc[bearing["gene5"] == UNKNOWN, "fusion"]))
    if not unnamed:
        return []
    logging.getLogger(__name__).info("set `reference` (the genome FASTA) in the config so that soft-clipped reads "
                                     "can name the partner of %s", ", ".join(unnamed))  # fmt: skip
    return [f"the partner of {', '.join(unnamed)} could not be named: the run had no genome reference to place "
            "its soft-clipped reads"]  # fmt: skip


def provenance(config: dict, annotation: str) -> dict:
    """What this result was computed with: the pipeline (and its commit), the date, a digest
    of every setting in effect (run_info.json lists them) and the annotation."""
    from ..paths import bundled_annotation_dir
    from ..provenance import annotation_source, config_digest, now, pipeline

    folder = annotation if Path(annotation).is_dir() else bundled_annotation_dir(annotation)
    return dict(pipeline=pipeline(), date=now(), config_digest=config_digest(config),
                annotation=annotation_source(folder))  # fmt: skip


def background(fusions: pd.DataFrame, evidence: pd.DataFrame) -> dict:
    """What the caller set aside as background (by reason), and the candidates without bearing
    on the result (by class): the audit trail behind a NEGATIVE."""
    reasons = evidence["set_aside"]
    return {"candidates": {c: int(n) for c, n in sorted(Counter(fusions["classification"]).items())},
            "evidence_set_aside": {r: int(n) for r, n in sorted(Counter(reasons[reasons != ""]).items())}}  # fmt: skip
