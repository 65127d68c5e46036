"""The calling stage of the workflow: one sample's files, the cohort table, the CLI summary."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pandas as pd

from ..annotation import load_annotation
from ..config import for_sample
from ..samplesheet import Sample
from . import table
from .engine import CallResult, call_sample, settings_from_config, write_evidence
from .pon import PanelOfNormals


def call_to_files(bam: str, sample: str, assay: str, annotation: str, config: dict, out: dict,
                  reference: str | None = None, boundaries: str | None = None) -> CallResult:  # fmt: skip
    """Call one sample and write evidence.parquet, fusions.parquet and fusions.tsv (and, with
    ``out["vcf"]``, fusions.vcf.gz)."""
    ann = load_annotation(annotation)
    bounds = pd.read_parquet(boundaries) if boundaries else None
    pon = None
    if config.get("panel_of_normals"):
        pon = PanelOfNormals.load(config["panel_of_normals"]).restricted(assay, ann.build)
    result = call_sample(bam, sample, assay, ann, reference=reference, settings=settings_from_config(config),
                         boundaries=bounds, pon=pon)  # fmt: skip
    log = logging.getLogger(__name__)
    log.info("read %s (%s, %s): %d evidence records", bam, assay, ann.build, len(result.evidence))
    aside = Counter(result.evidence["set_aside"][result.evidence["set_aside"] != ""])
    log.info("set aside as background: %s", dict(sorted(aside.items())) or "none")
    log.info("candidates: %d (%s)", len(result.fusions), dict(Counter(result.fusions["classification"])) or "none")
    for row in result.fusions.itertuples():
        log.info("  %s %s %s: %d fragments, %s, filters %s", row.fusion, row.breakpoint5, row.breakpoint3,
                 row.supporting_fragments, row.classification, row.filters or "none")  # fmt: skip
    write_evidence(result.evidence, out["evidence"])
    table.write(result.fusions, out["parquet"], out["tsv"])
    if out.get("vcf"):
        import pysam

        from ..vcf import write_vcf

        with pysam.AlignmentFile(bam, reference_filename=reference) as f:
            contigs = dict(zip(f.references, f.lengths))
        write_vcf(result.fusions, sample, contigs, ann.build, out["vcf"], reference)
    return result


def inspect_and_call(sample: Sample, annotation: str, config: dict, out: dict,
                     boundaries: str | None = None) -> tuple[dict, CallResult]:  # fmt: skip
    """The first stage of one BAM's path: check the file (``bam_input``), then call it, reading
    each padded NTRK locus once for both the evidence and its read counts; writes bam_info.json
    (``out["info"]``) and the calling files.  ``annotation``: a folder for a custom build, or
    empty for the bundled build the header names."""
    from ..bam_input import inspect_sample, ntrk_loci, probe_loci
    from ..inspect import bam_record
    from ..io import write_json

    config = for_sample(config, sample)
    reference = config.get("reference") or None
    custom = bool(config.get("annotation_gtf"))
    info = inspect_sample(sample, reference=reference, genome_build=config.get("genome_build"),
                          custom_annotation=custom, strict_identity=config.get("strict_identity", False))  # fmt: skip
    annotation = annotation if custom else info.build
    if custom:  # inspect_sample probes the bundled builds' loci; a custom build's only now
        probe_loci(Path(info.bam), Path(info.index), reference, ntrk_loci(annotation, _contigs(info, reference)),
                   sample.sample)  # fmt: skip
    result = call_to_files(info.bam, sample.sample, sample.assay, annotation, config, out, reference, boundaries)
    record = bam_record(info, result.loci)
    write_json(record, out["info"])
    return record, result


def _contigs(info, reference) -> tuple[str, ...]:
    import pysam

    with pysam.AlignmentFile(info.bam, reference_filename=reference) as bam:
        return tuple(bam.references)


def cohort(parquets: list[str | Path], out_parquet: str | Path, out_tsv: str | Path) -> pd.DataFrame:
    """Every sample's fusions in one table (same schema, same order rules)."""
    frames = [table.read(p) for p in parquets]
    rows = [r for f in frames for r in f.to_dict("records")]
    merged = table.to_frame(rows).drop(columns="_index")
    table.write(merged, out_parquet, out_tsv)
    return merged


def cohort_vcf(samples: list[str], parquets: list[str | Path], build: str, out: str | Path) -> int:
    """The breakends of every sample of one genome build (``samples``, their fusions tables in
    the same order) in one VCF."""
    from ..genome import BUILD_LENGTHS
    from ..vcf import write_cohort_vcf

    tables = {sample: table.read(path) for sample, path in zip(samples, parquets, strict=True)}
    return write_cohort_vcf(tables, build, out, BUILD_LENGTHS.get(build))


def summary(result: CallResult, sample: str, ntrk_reads: int | None = None) -> str:
    """A few lines for a person at a terminal.  A BAM without reads in the NTRK loci could not
    have shown a fusion, and the summary says so rather than look like a negative."""
    f = result.fusions
    passed = f[f["filters"] == ""]
    lines = [f"{sample}: {len(result.evidence)} evidence records, {len(f)} candidate(s), {len(passed)} passing"]
    if ntrk_reads is not None:
        lines[0] += f"; {ntrk_reads} reads in the NTRK loci"
        if ntrk_reads == 0:
            lines.append("  no read in the NTRK loci: this file could not have shown an NTRK fusion (not a negative)")
    for r in f.head(10).itertuples():
        status = "PASS" if not r.filters else f"filtered: {r.filters}"
        lines.append(f"  {r.vicc_name}  {r.breakpoint5} {r.breakpoint3}  split={r.split_reads} "
                     f"discordant={r.discordant_pairs} fragments={r.supporting_fragments}  "
                     f"in_frame={r.in_frame} kinase={r.kinase_domain_retained}  {status}")  # fmt: skip
    return "\n".join(lines)


def build_panel_of_normals(normals: list[tuple[str, str, str, str]], config: dict, out: str | Path,
                           min_samples: int, reference: str | None = None) -> pd.DataFrame:  # fmt: skip
    """``normals``: (sample, BAM path, assay, annotation) of known-negative samples; one table
    with the rows of each assay and genome build."""
    from ..io import atomic_write
    from . import pon

    settings = settings_from_config(config)
    groups: dict[tuple[str, str], list[pd.DataFrame]] = {}
    for sample, bam, assay, annotation in normals:
        ann = load_annotation(annotation)
        result = call_sample(bam, sample, assay, ann, reference=reference, settings=settings)
        groups.setdefault((assay, ann.build), []).append(pon.sites(result.evidence, settings.mate_window))
    tables = [pon.build(sites, build, assay, min_samples) for (assay, build), sites in sorted(groups.items())]
    table = pd.concat(tables, ignore_index=True) if tables else pon.build([], "", "", min_samples)
    atomic_write(out, table.to_csv(sep="\t", index=False, lineterminator="\n"))
    return table
