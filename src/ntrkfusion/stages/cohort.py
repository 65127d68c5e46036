"""The run's tables, read back from each sample's records: fusions, VCF per build, samples,
inputs, run_info, the cohort report and MultiQC section, and the end-of-run summary."""

from __future__ import annotations

from pathlib import Path

from ..genome import BUILD_LENGTHS
from ..io import write_json
from ..provenance import run_info
from ..records import (read_bam_info, read_fusions, read_json, read_sample_result, read_samples, write_fusions,
                       write_inputs, write_samples)  # fmt: skip
from ..report.html import cohort_report
from ..report.multiqc import multiqc_table
from ..report.summary import end_of_run
from ..calling.table import to_frame
from ..vcf import write_cohort_vcf
from .layout import RESULTS


def fusions(parquets: list[str | Path], out_parquet: str | Path, out_tsv: str | Path) -> None:
    """Every sample's fusions in one table (same schema, same order rules)."""
    rows = [r for p in parquets for r in read_fusions(p).to_dict("records")]
    write_fusions(to_frame(rows).drop(columns="_index"), out_parquet, out_tsv)


def vcf(samples: list[str], parquets: list[str | Path], build: str, out: str | Path,
        reference: str | None = None) -> int:  # fmt: skip
    """The breakends of every sample of one genome build (``samples``, their fusions tables in
    the same order) in one VCF, its REF bases from the ``reference`` when one is configured."""
    tables = {sample: read_fusions(path) for sample, path in zip(samples, parquets, strict=True)}
    return write_cohort_vcf(tables, build, out, BUILD_LENGTHS.get(build), reference)


def samples(qc_jsons: list[str | Path], out_parquet: str | Path, out_tsv: str | Path) -> None:
    write_samples([read_sample_result(p) for p in qc_jsons], out_parquet, out_tsv)


def inputs(bam_infos: list[str | Path], out_tsv: str | Path) -> None:
    write_inputs([read_bam_info(p) for p in bam_infos], out_tsv)


def run(config: dict, bam_infos: list[str | Path], annotations: dict[str, str], out: str | Path) -> None:
    infos = [read_bam_info(p) for p in bam_infos]
    write_json(run_info(config, {i.sample: i.to_json() for i in infos}, annotations), out)


def report(samples_parquet: str | Path, run_json: str | Path, out: str | Path) -> None:
    cohort_report(read_samples(samples_parquet), out, read_json(run_json))


def multiqc(samples_parquet: str | Path, run_json: str | Path, out: str | Path) -> None:
    multiqc_table(read_samples(samples_parquet), out, read_json(run_json))


def summary(results: Path = RESULTS) -> str:
    """The lines printed when the workflow ends (nothing before the samples table exists)."""
    table = results / "samples.parquet"
    return end_of_run(read_samples(table), results) if table.is_file() else ""
