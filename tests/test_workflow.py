"""The Snakemake workflow end to end, in a subprocess, on the bundled example and on bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ntrkfusion.testing import Read

from .test_gtf import write_gtf

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "resources" / "example"
pytestmark = pytest.mark.workflow


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"),
           "--directory", str(workdir), "--cores", "2", *args]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


def project(tmp_path: Path, rows: list[list[str]], **config) -> Path:
    """A working directory with config/config.yaml and config/samples.tsv."""
    (tmp_path / "config").mkdir(exist_ok=True)
    header = ["sample", "bam", "assay", "tumour_content"]
    lines = ["\t".join(header)] + ["\t".join(map(str, r)) for r in rows]
    (tmp_path / "config/samples.tsv").write_text("\n".join(lines) + "\n")
    settings = {"samples": "config/samples.tsv", **{k: v if isinstance(v, int) else str(v) for k, v in config.items()}}
    (tmp_path / "config/config.yaml").write_text(yaml.safe_dump(settings))
    return tmp_path


def example_rows():
    return [["EX_RNA", EXAMPLE / "rna_grch38.bam", "rna", 60], ["EX_DNA", EXAMPLE / "dna_grch37.bam", "dna", 40]]


def test_dry_run_plans_the_bundled_example():
    out = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--forceall", "--cores", "1"], cwd=ROOT,
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "inspect_bam" in out.stdout and "summarise_inputs" in out.stdout


def test_lint_is_clean():
    out = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_snakefmt_is_clean():
    files = [ROOT / "Snakefile", *sorted((ROOT / "workflow/rules").glob("*.smk"))]
    out = subprocess.run([sys.executable, "-m", "snakefmt", "--check", *map(str, files)],
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr


def test_example_run_names_builds_and_counts_ntrk_reads(tmp_path):
    work = project(tmp_path, example_rows())
    out = snakemake(work)
    assert out.returncode == 0, out.stderr
    table = pd.read_csv(work / "results/inputs.tsv", sep="\t")
    assert table.to_dict("records") == [
        dict(sample="EX_DNA", assay="dna", build="GRCh37", chr_prefix=False, aligner="ntrkfusion.testing",
             sort_order="coordinate", NTRK1_reads=30, NTRK2_reads=20, NTRK3_reads=10),
        dict(sample="EX_RNA", assay="rna", build="GRCh38", chr_prefix=True, aligner="ntrkfusion.testing",
             sort_order="coordinate", NTRK1_reads=30, NTRK2_reads=20, NTRK3_reads=10),
    ]  # fmt: skip
    first = (work / "results/inputs.tsv").read_bytes()
    assert snakemake(work, "--forceall").returncode == 0
    assert (work / "results/inputs.tsv").read_bytes() == first  # byte-identical rerun


def test_reads_outside_the_padded_loci_are_not_counted(tmp_path, bam_factory):
    reads = [Read("in", "chr1", 156874571), Read("pad", "chr1", 156900000), Read("far", "chr1", 1000000),
             Read("sec", "chr9", 84934200, flag=256), Read("qc", "chr15", 87940700, flag=512)]  # fmt: skip
    bam = bam_factory(reads=reads)
    work = project(tmp_path, [["S1", bam, "rna", 50]], ntrk_padding=20000)
    out = snakemake(work)
    assert out.returncode == 0, out.stderr
    row = pd.read_csv(work / "results/inputs.tsv", sep="\t").iloc[0]
    assert (row.NTRK1_reads, row.NTRK2_reads, row.NTRK3_reads) == (2, 0, 0)


def test_bad_sheet_fails_before_any_job_one_line_per_problem(tmp_path):
    rows = [["S1", EXAMPLE / "rna_grch38.bam", "rna", 150], ["S1", EXAMPLE / "rna_grch38.bam", "rnaseq", 10]]
    work = project(tmp_path, rows)
    out = snakemake(work)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "ntrkfusion: error: sample sheet samples.tsv line 2, column tumour_content: 150 is outside 0-100",
        "ntrkfusion: error: sample sheet samples.tsv line 3, column assay: 'rnaseq' is not one of rna, dna",
        "ntrkfusion: error: sample sheet samples.tsv line 3, column sample: duplicate sample ID 'S1' (also on line 2)",
    ]
    assert not (work / "results").exists()


def test_bam_problems_name_the_sample_and_leave_no_output(tmp_path, bam_factory):
    unindexed = bam_factory("noindex.bam", index=False)
    work = project(tmp_path, [["GOOD", EXAMPLE / "rna_grch38.bam", "rna", 50], ["BAD", unindexed, "rna", 50],
                              ["GONE", tmp_path / "gone.bam", "dna", 50]])  # fmt: skip
    out = snakemake(work)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        f"ntrkfusion: error: sample BAD: no index for noindex.bam; create one with `samtools index {unindexed}`",
        f"ntrkfusion: error: sample GONE: alignment file not found: {tmp_path / 'gone.bam'}",
    ]
    assert "Traceback" not in out.stderr and not (work / "results").exists()


def test_bad_config_is_one_line_per_key(tmp_path):
    work = project(tmp_path, example_rows(), ntrk_padding=-5, genome_bild="GRCh38")
    out = snakemake(work)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "ntrkfusion: error: config: Additional properties are not allowed ('genome_bild' was unexpected)",
        "ntrkfusion: error: config key ntrk_padding: -5 is less than the minimum of 0",
    ]


def test_custom_annotation_from_a_gtf(tmp_path):
    from ntrkfusion.annotation import load_annotation

    gtf = write_gtf(tmp_path / "lab.gtf", load_annotation("GRCh38"))
    work = project(tmp_path, [["EX_RNA", EXAMPLE / "rna_grch38.bam", "rna", 60]],
                   genome_build="GRCh38-lab", annotation_gtf=gtf)  # fmt: skip
    out = snakemake(work)
    assert out.returncode == 0, out.stderr
    assert (work / "results/annotation/GRCh38-lab/transcripts.parquet").is_file()
    row = pd.read_csv(work / "results/inputs.tsv", sep="\t").iloc[0]
    assert (row.build, row.NTRK1_reads, row.NTRK3_reads) == ("GRCh38-lab", 30, 10)
