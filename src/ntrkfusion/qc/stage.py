"""The QC stage: one sample's qc.json, and the cohort samples table (one row per sample)."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pysam

from ..annotation import load_annotation
from ..assays import CFDNA
from ..config import control_genes, for_sample, with_defaults
from ..calling import table as fusion_table
from ..calling.filters import BEARING, Class
from ..calling.naming import UNKNOWN
from ..calling.molecules import umi_reader
from ..genome import ContigNames
from ..io import atomic_write, write_json, write_parquet
from ..loci import NTRK_GENES
from ..samplesheet import Sample
from .dna import dna_metrics
from .flags import ALL_FLAGS, QCSettings, checks, flags_from
from .result import decide, deciding
from .rna import rna_metrics

SAMPLE_SCHEMA = pa.schema(
    [("sample", pa.string()), ("assay", pa.string()), ("result", pa.string()), ("reasons", pa.string()),
     ("qc_flags", pa.string()), ("best_fusion", pa.string()), ("best_fusion_name", pa.string()),
     ("best_fusion_fragments", pa.int32()), ("tumour_content", pa.float64()), ("dv200", pa.float64()),
     ("build", pa.string()), ("ntrk_reads", pa.int64()), ("mapped_reads", pa.int64()),
     ("housekeeping_expressed", pa.string()), ("median_fragment_length", pa.float64()),
     ("fraction_fragments_under_100", pa.float64()), ("median_tin", pa.float64()),
     ("median_cv_coverage", pa.float64()), ("median_5prime_to_3prime_bias", pa.float64()),
     ("NTRK1_3to5_ratio", pa.float64()), ("NTRK2_3to5_ratio", pa.float64()), ("NTRK3_3to5_ratio", pa.float64()),
     ("median_exon_depth", pa.float64()), ("min_baited_intron_depth", pa.float64()),
     ("median_insert_size", pa.float64()), ("duplicate_rate", pa.float64()), ("ntrk_low_mapq_fraction", pa.float64()),
     ("detectability", pa.string()),
     ("untested_regions", pa.string())]
)  # fmt: skip


def required_support(assay: str, config: dict) -> int:
    """The support a novel-partner fusion needs in this assay: what detectability asks for."""
    calling = with_defaults(config)["calling"]
    return calling["min_fragments_cfdna"] if assay == CFDNA else calling["min_fragments"]


def settings_from_config(config: dict) -> QCSettings:
    qc = with_defaults(config)["qc"]
    return QCSettings(**{f.name: qc[f.name] for f in fields(QCSettings)})


def sample_qc(sample: Sample, bam_info: dict, annotation: str, fusions_parquet: str, config: dict,
              reference: str | None = None, evidence_parquet: str | None = None) -> dict:  # fmt: skip
    """Metrics, flags, result and reasons of one sample."""
    config = for_sample(config, sample)
    s = settings_from_config(config)
    ann = load_annotation(annotation)
    with pysam.AlignmentFile(bam_info["bam"], index_filename=bam_info["index"], reference_filename=reference) as bam:
        contigs = ContigNames(tuple(bam.references))
        reader = umi_reader(config)
        umi = reader if reader.source != "none" else None
        if sample.assay == "rna":
            metrics = rna_metrics(bam, ann, contigs, s.min_gene_reads, control_genes(config.get("housekeeping_genes")),
                                  umi)  # fmt: skip
        else:
            metrics = dna_metrics(bam, ann, contigs, sample.panel_bed, sample.tumour_content,
                                  required_support(sample.assay, config), umi)  # fmt: skip
    ntrk_reads = sum(int(bam_info[f"{g}_reads"]) for g in NTRK_GENES)
    low_mapq = sum(int(bam_info.get(f"{g}_low_mapq_reads", 0)) for g in NTRK_GENES)
    metrics["ntrk_low_mapq_fraction"] = low_mapq / ntrk_reads if ntrk_reads else None
    fusions = fusion_table.read(fusions_parquet)
    passing = fusions[fusions["classification"] == Class.QUALIFYING]
    decisions = checks(sample.assay, metrics, sample.tumour_content, sample.dv200, ntrk_reads, s, umi is not None,
                       frozenset(passing["gene3"]) | frozenset(passing["gene5"]))  # fmt: skip
    flags = flags_from(decisions, sample.assay, metrics)
    result, reasons = decide(fusions, flags, metrics, sample.assay, s)
    decided = deciding(decisions, result)
    best = passing.iloc[0] if len(passing) else None
    log = logging.getLogger(__name__)
    log.info("%s %s: %d reads in the NTRK loci; flags %s", sample.sample, sample.assay, ntrk_reads,
             sorted(flags) or "none")  # fmt: skip
    log.info("result %s: %s", result, "; ".join(reasons))
    return dict(
        sample=sample.sample, assay=sample.assay, result=result, reasons=reasons,
        qc_flags=[f for f in ALL_FLAGS if f in flags],
        warnings=flags.get("WARN", []) + list(bam_info.get("warnings", [])) + _reference_hint(fusions, reference),
        inputs=dict(bam=bam_info["bam"], index=bam_info["index"], reference=reference or None,
                    fingerprint=bam_info.get("fingerprint", {}),
                    aligner=bam_info.get("aligner"), read_group_samples=bam_info.get("read_group_samples", [])),
        best_fusion=None if best is None else best["fusion"],
        best_fusion_name=None if best is None else best["vicc_name"],
        best_fusion_fragments=None if best is None else int(best["supporting_fragments"]),
        tumour_content=sample.tumour_content, dv200=sample.dv200, build=bam_info["build"], ntrk_reads=ntrk_reads,
        background=background(fusions, evidence_parquet), metrics=metrics,
        checks=[dict(c.to_dict(), decides=c.metric in decided) for c in decisions],
        provenance=sample_provenance(config, annotation),
    )  # fmt: skip


def _reference_hint(fusions: pd.DataFrame, reference: str | None) -> list[str]:
    """Without a reference, a candidate that bears on the result but whose partner no split
    read or mate placed: say that a reference would let the clipped reads name it."""
    if reference:
        return []
    bearing = fusions[fusions["classification"].isin([str(c) for c in BEARING])]
    unnamed = sorted(set(bearing.loc[bearing["gene5"] == UNKNOWN, "fusion"]))
    if not unnamed:
        return []
    return [f"partner not named for {', '.join(unnamed)}: set `reference` (the genome FASTA) in the config "
            "so that soft-clipped reads can name it"]  # fmt: skip


def sample_provenance(config: dict, annotation: str) -> dict:
    """What this result was computed with: the pipeline (and its commit), the date, a digest
    of every setting in effect (run_info.json lists them) and the annotation."""
    from ..paths import bundled_annotation_dir
    from ..provenance import annotation_source, config_digest, now, pipeline

    folder = annotation if Path(annotation).is_dir() else bundled_annotation_dir(annotation)
    return dict(pipeline=pipeline(), date=now(), config_digest=config_digest(config),
                annotation=annotation_source(folder))  # fmt: skip


def background(fusions: pd.DataFrame, evidence_parquet: str | Path | None) -> dict:
    """What the caller set aside as background (by reason), and the candidates without bearing
    on the result (by class): the audit trail behind a NEGATIVE."""
    out = {"candidates": {c: int(n) for c, n in sorted(Counter(fusions["classification"]).items())}}
    if evidence_parquet is not None:
        reasons = pd.read_parquet(evidence_parquet, columns=["set_aside"])["set_aside"]
        out["evidence_set_aside"] = {r: int(n) for r, n in sorted(Counter(reasons[reasons != ""]).items())}
    return out


def conclude(sample: Sample, bam_info: dict, annotation: str, config: dict, files: dict) -> dict:
    """A sample's second stage: QC, the result (``files["qc"]``), the supporting reads
    (``files["reads"]``, optional) and the report drawn from them (``files["report"]``), from the
    calling stage's ``files["fusions"]`` and ``["evidence"]``."""
    from ..report.html import sample_report
    from ..report.reads import write_supporting_reads

    reference = config.get("reference") or None
    record = sample_qc(sample, bam_info, annotation, files["fusions"], config, reference=reference,
                       evidence_parquet=files["evidence"])  # fmt: skip
    write_json(record, files["qc"])
    if files.get("reads"):
        write_supporting_reads(bam_info["bam"], bam_info["index"], reference, files["evidence"],
                               fusion_table.read(files["fusions"]), files["reads"])  # fmt: skip
    sample_report(files["qc"], files["fusions"], annotation, files["report"], settings_from_config(config),
                  reads=files.get("reads"), reference=reference)  # fmt: skip
    return record


def write_sample_qc(record: dict, path: str | Path) -> None:
    write_json(record, path)


def samples_table(json_paths: list[str | Path], out_parquet: str | Path, out_tsv: str | Path) -> pd.DataFrame:
    """One row per sample, sorted by sample; the same table as Parquet and TSV."""
    rows = []
    for path in json_paths:
        rec = json.loads(Path(path).read_text())
        m = rec.pop("metrics")
        row = {**rec, **{k: v for k, v in m.items() if k in SAMPLE_SCHEMA.names}}
        row["reasons"] = "; ".join(rec["reasons"])
        row["qc_flags"] = ";".join(rec["qc_flags"])
        row["detectability"] = ";".join(f"{g}={p:.3f}" for g, p in sorted((m.get("detectability") or {}).items()))
        row["untested_regions"] = ";".join(m.get("untested_regions") or [])
        rows.append(row)
    frame = pd.DataFrame(rows, columns=SAMPLE_SCHEMA.names).sort_values("sample", ignore_index=True)
    arrow = pa.Table.from_pandas(frame, schema=SAMPLE_SCHEMA, preserve_index=False)
    write_parquet(arrow, out_parquet)
    atomic_write(out_tsv, arrow.to_pandas().to_csv(sep="\t", index=False, lineterminator="\n", na_rep=""))
    return frame
