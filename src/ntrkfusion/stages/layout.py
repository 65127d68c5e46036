"""Where one sample's files go: ``<results>/<sample>/<name>``, said here once for the workflow's
rules, ``ntrkfusion run`` and ``ntrkfusion call``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

RESULTS = Path("results")  # the workflow's output folder (relative to where snakemake runs)
NAMES = dict(
    bam_info="bam_info.json",
    evidence="evidence.parquet",
    fusions="fusions.parquet",
    fusions_tsv="fusions.tsv",
    vcf="fusions.vcf.gz",
    vcf_index="fusions.vcf.gz.tbi",
    qc="qc.json",
    reads="supporting_reads.bam",
    reads_index="supporting_reads.bam.bai",
    report="report.html",
)
# The cohort's tables and reports, each holding every sample's result (fusions.<build>.vcf.gz too).
COHORT = ("inputs.tsv", "fusions.tsv", "fusions.parquet", "samples.tsv", "samples.parquet", "report.html",
          "run_info.json", "multiqc/ntrkfusion_mqc.tsv")  # fmt: skip
CALLING = ("bam_info", "evidence", "fusions", "fusions_tsv", "vcf", "vcf_index")  # what `ntrkfusion call` writes


@dataclass(frozen=True)
class SampleFiles:
    folder: Path

    @classmethod
    def of(cls, sample: str, results: str | Path = RESULTS) -> "SampleFiles":
        return cls(Path(results) / sample)

    def __getattr__(self, name: str) -> Path:
        if name in NAMES:
            return self.folder / NAMES[name]
        raise AttributeError(name)


def pattern(name: str, results: str | Path = RESULTS) -> str:
    """A Snakemake output pattern: ``results/{sample}/<file>``."""
    return f"{results}/{{sample}}/{NAMES[name]}"


def remove_results(samples: tuple[str, ...], results: str | Path = RESULTS) -> list[str]:
    """Remove the earlier results of samples whose inputs are now refused, and the cohort tables
    that hold them: a result must never stand for inputs that changed (issue 21).  Returns what
    was removed."""
    import shutil

    results, removed = Path(results), []
    for sample in sorted(samples):
        folder = SampleFiles.of(sample, results).folder
        if folder.is_dir():
            shutil.rmtree(folder)
            removed.append(f"{folder}/")
    if removed:
        for path in [results / name for name in COHORT] + sorted(results.glob("fusions.*.vcf.gz*")):
            if path.is_file():
                path.unlink()
                removed.append(str(path))
    return removed
