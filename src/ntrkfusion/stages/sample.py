"""One sample from its sheet row to its report: inspect -> call -> assess -> render, in memory,
with its alignment file opened once.  The workflow's per-sample job and ``ntrkfusion run`` both
run ``analyse``, so a sample run alone and a sample run in a cohort give the same files."""

from __future__ import annotations

import errno
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from ..annotation import load_annotation
from ..config import for_sample
from ..records import BamInfo, SampleResult, write_sample_result
from ..samplesheet import Sample
from . import assess, call, inspect, render
from ..errors import UserError
from .layout import NAMES, SampleFiles, remove_results


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
    with all_or_nothing(sample.sample, files), inspect.opened(info, annotation, reference) as bam:
        config, info = inspect.declared_umis(bam, info, config, annotation)
        called = call.call(sample, info, bam, ann, config, files, boundaries)
        result = assess.assess(sample, called, bam, ann, config, annotation)
        write_sample_result(result, files.qc)
        render.render(result, called, bam, ann, config, files)
    return result


@contextmanager
def all_or_nothing(sample: str, files: SampleFiles):
    """A sample's files are all written or none is left: a job that fails half-way (a full disk, a
    file that becomes unreadable) removes those it had written, and the cohort tables that still
    hold the sample's earlier result; a full disk says so."""
    try:
        yield
    except BaseException as err:
        for name in NAMES:
            getattr(files, name).unlink(missing_ok=True)
        remove_results((sample,), files.folder.parent)  # an earlier result of it, and the tables holding it
        if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
            raise UserError(f"sample {sample}: no space left on the device of {files.folder} "
                            f"({err.strerror}); nothing of this sample was kept: free space and run it again") from None
        if isinstance(err, OSError) and err.errno not in (None, 0):
            raise UserError(f"sample {sample}: {files.folder} could not be written ({err.strerror}: "
                            f"{err.filename}); nothing of this sample was kept") from None
        raise


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
