"""One sample from BAM to result without Snakemake: the workflow's stages, in its order.

``ntrkfusion run`` writes the same files as the workflow writes under ``results/{sample}/``
(bam_info.json, evidence.parquet, fusions.parquet and .tsv, qc.json, supporting_reads.bam, report.html), using the
same config file, so a sample run alone and a sample run in a cohort agree.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .samplesheet import Sample


@dataclass
class SampleRun:
    sample: Sample
    out: Path  # the sample's folder
    qc: dict


def run_sample(sample: Sample, config: dict, out_dir: Path) -> SampleRun:
    """Inspect, call, QC and report one sample into ``out_dir/<sample>/``."""
    from .calling.stage import inspect_and_call
    from .qc.stage import conclude

    out = out_dir / sample.sample
    annotation = _annotation(config, out_dir, sample)
    files = dict(info=out / "bam_info.json", evidence=out / "evidence.parquet", parquet=out / "fusions.parquet",
                 tsv=out / "fusions.tsv", vcf=out / "fusions.vcf.gz")  # fmt: skip
    info, _ = inspect_and_call(sample, annotation, config, files)
    annotation = annotation or info["build"]
    qc = conclude(sample, info, annotation, config, dict(qc=out / "qc.json", report=out / "report.html",
                                                         reads=out / "supporting_reads.bam", fusions=files["parquet"],
                                                         evidence=files["evidence"]))  # fmt: skip
    logging.getLogger(__name__).info("%s: %s", sample.sample, qc["result"])
    return SampleRun(sample, out, qc)


def _annotation(config: dict, out_dir: Path, sample) -> str:
    """A lab's GTF, built once into ``out_dir/annotation/<genome_build>``; empty: bundled."""
    if not config.get("annotation_gtf"):
        return ""
    from .annotation.custom import check
    from .bam_input import inspect_sample
    from .annotation.gtf import build_from_gtf
    from .paths import RESOURCES

    build = config["genome_build"]
    folder = out_dir / "annotation" / build
    # the BAM's own problems first (a missing file is named as such), then the GTF against it
    inspect_sample(sample, reference=config.get("reference") or None, genome_build=build, custom_annotation=True,
                   probe=False)  # fmt: skip
    check(config["annotation_gtf"], {sample.sample: (str(sample.bam), config.get("reference") or None)},
          out_dir / "annotation" / "gtf_summary.json")  # fmt: skip
    if not (folder / "transcripts.parquet").is_file():
        build_from_gtf(Path(config["annotation_gtf"]), folder, build, RESOURCES / "curated/ntrk_kinase_domains.tsv",
                       RESOURCES / "GRCh38")  # fmt: skip
    return str(folder)
