"""One sample from BAM to result without Snakemake: the workflow's stages, in its order.

``ntrkfusion run`` writes the same files as the workflow writes under ``results/{sample}/``
(bam_info.json, evidence.parquet, fusions.parquet and .tsv, qc.json, report.html), using the
same config file, so a sample run alone and a sample run in a cohort agree.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .config import default
from .io import write_json
from .samplesheet import Sample


@dataclass
class SampleRun:
    sample: Sample
    out: Path  # the sample's folder
    qc: dict


def run_sample(sample: Sample, config: dict, out_dir: Path) -> SampleRun:
    """Inspect, call, QC and report one sample into ``out_dir/<sample>/``."""
    from .calling.stage import call_to_files
    from .inspect import describe_sample
    from .qc.stage import sample_qc, settings_from_config
    from .report.html import sample_report

    log = logging.getLogger(__name__)
    out = out_dir / sample.sample
    reference = config.get("reference") or None
    annotation = _annotation(config, out_dir, sample, reference)
    info = describe_sample(sample, annotation, config.get("ntrk_padding", default("ntrk_padding")), reference,
                           config.get("genome_build"), config["calling"]["min_mapq"], config["strict_identity"])  # fmt: skip
    write_json(info, out / "bam_info.json")
    annotation = annotation if config.get("annotation_gtf") else info["build"]
    files = dict(evidence=out / "evidence.parquet", parquet=out / "fusions.parquet", tsv=out / "fusions.tsv")
    call_to_files(info["bam"], sample.sample, sample.assay, annotation, config, files, reference=reference)
    qc = sample_qc(sample, info, annotation, files["parquet"], config, reference=reference,
                   evidence_parquet=files["evidence"])  # fmt: skip
    write_json(qc, out / "qc.json")
    sample_report(out / "qc.json", files["parquet"], annotation, out / "report.html", settings_from_config(config))
    log.info("%s: %s", sample.sample, qc["result"])
    return SampleRun(sample, out, qc)


def _annotation(config: dict, out_dir: Path, sample: Sample, reference: str | None) -> str:
    """The annotation to use: a lab's GTF (built once into ``out_dir/annotation``) or bundled."""
    if not config.get("annotation_gtf"):
        return "auto"
    from .annotation.gtf import build_from_gtf
    from .paths import RESOURCES

    build = config["genome_build"]
    folder = out_dir / "annotation" / build
    if not (folder / "transcripts.parquet").is_file():
        build_from_gtf(Path(config["annotation_gtf"]), folder, build, RESOURCES / "curated/ntrk_kinase_domains.tsv",
                       RESOURCES / "GRCh38")  # fmt: skip
    return str(folder)
