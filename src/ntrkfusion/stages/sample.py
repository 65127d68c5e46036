"""One sample from its sheet row to its report: inspect -> call -> assess -> render, in memory,
with its alignment file opened once.  The workflow's per-sample job and ``ntrkfusion run`` both
run ``analyse``, so a sample run alone and a sample run in a cohort give the same files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..annotation import load_annotation
from ..config import for_sample
from ..records import BamInfo, SampleResult, write_sample_result
from ..samplesheet import Sample
from . import assess, call, inspect, render
from .layout import SampleFiles


def analyse(sample: Sample, config: dict, files: SampleFiles, info: BamInfo | None = None,
            annotation: str = "", boundaries: pd.DataFrame | None = None) -> SampleResult:  # fmt: skip
    """Every file of one sample under ``files``.  ``info``: its checks as the workflow planned
    them (None: checked here); ``annotation``: a custom annotation's folder (empty: the bundled
    build the header names); ``boundaries``: the build's exon-boundary sequences, if computed."""
    config = for_sample(config, sample)
    reference = config.get("reference") or None
    info = info or inspect.check_sample(sample, config)
    annotation = annotation or info.build
    ann = load_annotation(annotation)
    with inspect.opened(info, annotation, reference) as bam:
        config, info = inspect.declared_umis(bam, info, config, annotation)
        called = call.call(sample, info, bam, ann, config, files, boundaries)
        result = assess.assess(sample, called, bam, ann, config, annotation)
        write_sample_result(result, files.qc)
        render.render(result, called, bam, ann, config, files)
    return result


def call_only(sample: Sample, config: dict, files: SampleFiles, annotation: str = "") -> call.Called:
    """``ntrkfusion call``: the calling stage's files of one sample, nothing after it."""
    config = for_sample(config, sample)
    reference = config.get("reference") or None
    info = inspect.check_sample(sample, config)
    annotation = annotation or info.build
    with inspect.opened(info, annotation, reference) as bam:
        config, info = inspect.declared_umis(bam, info, config, annotation)
        called = call.call(sample, info, bam, load_annotation(annotation), config, files)
    return called


def custom_annotation(config: dict, out_dir: Path, sample: Sample) -> str:
    """A lab's GTF (config ``annotation_gtf``), checked against the sample's file and built once
    into ``out_dir/annotation/<genome_build>``; empty without one (the bundled build)."""
    if not config.get("annotation_gtf"):
        return ""
    from ..annotation.custom import check
    from ..annotation.gtf import build_from_gtf
    from ..paths import RESOURCES

    build = config["genome_build"]
    folder = out_dir / "annotation" / build
    # the file's own problems first (a missing file is named as such), then the GTF against it
    inspect.check_sample(sample, config)
    check(config["annotation_gtf"], {sample.sample: (str(sample.bam), config.get("reference") or None)},
          out_dir / "annotation" / "gtf_summary.json")  # fmt: skip
    if not (folder / "transcripts.parquet").is_file():
        build_from_gtf(Path(config["annotation_gtf"]), folder, build, RESOURCES / "curated/ntrk_kinase_domains.tsv",
                       RESOURCES / "GRCh38")  # fmt: skip
    return str(folder)
