"""The Snakemake workflow end to end, in a subprocess, on the bundled example and on bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ntrkfusion.testing import Read

from .helpers import EXAMPLE, ROOT, example_rows, project, samtools_count, snakemake
from .test_gtf import write_gtf

pytestmark = pytest.mark.workflow


def grch37_reads() -> list[Read]:
    """Reads in the GRCh37 NTRK loci (exon positions from the bundled GRCh37 annotation)."""
    return ([Read(f"a{i}", "chr1", 156844363 + 10 * i) for i in range(7)]  # NTRK1 exon 10
            + [Read(f"b{i}", "chr9", 87549110 + 10 * i) for i in range(3)]  # NTRK2 kinase exons
            + [Read("c0", "chr15", 88483860), Read("far", "chr15", 50000000)])  # fmt: skip


def test_dry_run_plans_the_bundled_example():
    out = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--forceall", "--cores", "1"], cwd=ROOT,
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "analyse_sample" in out.stdout and "summarise_inputs" in out.stdout


def test_lint_is_clean():
    out = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_snakefmt_is_clean():
    files = [ROOT / "Snakefile", *sorted((ROOT / "workflow/rules").glob("*.smk"))]
    out = subprocess.run([sys.executable, "-m", "snakefmt", "--check", *map(str, files)],
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr


def test_config_sample_sheet_is_the_bundled_example():
    ours = pd.read_csv(ROOT / "config/samples.tsv", sep="\t")
    example = pd.read_csv(EXAMPLE / "samples.tsv", sep="\t")
    assert list(ours["sample"]) == list(example["sample"])
    assert [(ROOT / "config" / b).resolve() for b in ours["bam"]] == [EXAMPLE / b for b in example["bam"]]


def test_example_run_names_builds_and_counts_ntrk_reads(example_run):
    if shutil.which("samtools") is None:
        pytest.skip("needs samtools for the independent read count (Debian: samtools)")
    work = example_run
    table = pd.read_csv(work / "results/inputs.tsv", sep="\t").set_index("sample")
    assert list(table.index) == sorted(table.index)
    truth = pd.read_csv(EXAMPLE / "truth.tsv", sep="\t").set_index("sample")
    for sample, bam, assay, *_ in example_rows():
        row = table.loc[sample]
        assert (row.assay, row.build, row.chr_prefix) == (assay, "GRCh38", True)
        assert row.aligner == truth.loc[sample, "aligner"]  # e.g. "STAR (no chimeric output)", from @PG
        info = json.loads((work / f"results/{sample}/bam_info.json").read_text())
        assert [locus["gene"] for locus in info["loci"]] == ["NTRK1", "NTRK2", "NTRK3"]
        for locus in info["loci"]:
            assert row[f"{locus['gene']}_reads"] == locus["reads"] == samtools_count(bam, locus["region"]), sample
    check_example_fusions(work)
    check_example_vcf(work)
    check_example_results(work)


def test_a_grch37_bam_named_1_is_read_in_its_own_loci(tmp_path, bam_factory):
    from ntrkfusion.records import read_bam_info
    from ntrkfusion.samplesheet import Sample
    from ntrkfusion.stages.layout import SampleFiles
    from ntrkfusion.stages.sample import analyse

    grch37 = bam_factory("grch37.bam", reads=grch37_reads(), build="GRCh37", chr_prefix=False)
    files = SampleFiles(tmp_path / "B37")
    analyse(Sample("B37", grch37, "dna", 30.0), {}, files)
    info = read_bam_info(files.bam_info)
    assert (info.build, info.chr_prefix) == ("GRCh37", False)
    assert [locus.reads for locus in info.loci] == [7, 3, 1]
    assert [locus.region.split(":")[0] for locus in info.loci] == ["1", "9", "15"]


def test_the_same_input_gives_byte_identical_tables(example_run, tmp_path):
    """Each example sample analysed again, in this process: the same bytes as the workflow's."""
    from ntrkfusion.config import load_config
    from ntrkfusion.samplesheet import read_samples
    from ntrkfusion.stages.layout import SampleFiles
    from ntrkfusion.stages.sample import analyse

    for sample in [s for s in read_samples(example_run / "config/samples.tsv") if s.sample in ("etv6_ntrk3",
                                                                                          "dna_tpm3_ntrk1_20")]:
        again = SampleFiles(tmp_path / sample.sample)
        analyse(sample, load_config(example_run / "config/config.yaml"), again)
        for name in ("bam_info", "evidence", "fusions", "fusions_tsv", "vcf", "reads"):
            first = getattr(SampleFiles.of(sample.sample, example_run / "results"), name)
            assert getattr(again, name).read_bytes() == first.read_bytes(), (sample.sample, name)


def check_example_vcf(work: Path) -> None:
    """Each precise candidate is a mated pair of breakends in its sample's VCF and in the
    cohort's, at the table's breakpoints (or, where a microhomology leaves a choice, within
    CIPOS of them), PASS exactly where the table says so."""
    import pysam

    fusions = pd.read_csv(work / "results/fusions.tsv", sep="\t", keep_default_na=False)
    precise = fusions[(fusions["pos5"] != "") & (fusions["pos3"] != "")]
    seen = {}
    for sample in sorted(set(fusions["sample"]) | {"negative_rna"}):
        with pysam.VariantFile(str(work / f"results/{sample}/fusions.vcf.gz")) as vcf:
            for rec in vcf:
                width = rec.info["CIPOS"][1] if "CIPOS" in rec.info else 0
                seen[(sample, rec.info["EVENT"], rec.info["SIDE"])] = (rec.chrom, rec.pos, width, rec.info["MATEID"],
                                                                      rec.samples[sample]["FT"])  # fmt: skip
    assert len(seen) == 2 * len(precise)
    for row in precise.itertuples():
        event = next(e for (s, e, side), v in seen.items() if s == row.sample and side == "5"
                     and v[0] == row.chrom5 and v[1] <= int(row.pos5) <= v[1] + v[2])  # fmt: skip
        five, three = seen[(row.sample, event, "5")], seen[(row.sample, event, "3")]
        assert three[0] == row.chrom3 and three[1] <= int(row.pos3) <= three[1] + three[2]
        assert five[3] == f"{event}_3" and (five[4] == "PASS") == (row.filters == ".")
    with pysam.VariantFile(str(work / "results/fusions.GRCh38.vcf.gz")) as cohort:
        assert {r.info["EVENT"] for r in cohort} == {e for _, e, _ in seen}


def check_example_results(work: Path) -> None:
    """One row per sample with the result and flags the truth expects."""
    samples = pd.read_csv(work / "results/samples.tsv", sep="\t", keep_default_na=False).set_index("sample")
    truth = pd.read_csv(EXAMPLE / "truth.tsv", sep="\t", keep_default_na=False).set_index("sample")
    for name, t in truth.iterrows():
        assert samples.loc[name, "result"] == t.expected_result, samples.loc[name, "reasons"]
        assert samples.loc[name, "qc_flags"] == t.expected_qc_flags
    qc = json.loads((work / "results/degraded_negative/qc.json").read_text())
    assert qc["result"] == "INDETERMINATE" and qc["metrics"]["median_tin"] > 0
    # every result names what it was computed with, as the run's run_info.json does
    run = json.loads((work / "results/run_info.json").read_text())
    assert set(run["samples"]) == set(samples.index) and run["config"]["qc"]["min_tumour_content"] == 20
    for name in truth.index:
        made = json.loads((work / f"results/{name}/qc.json").read_text())["provenance"]
        assert made["config_digest"] == run["config_digest"] and made["pipeline"] == run["pipeline"]
        assert made["annotation"]["source"] == run["annotation"]["GRCh38"]["source"]


def check_example_fusions(work: Path) -> None:
    """The cohort table holds each example positive, as the truth says, and nothing else passing."""
    fusions = pd.read_csv(work / "results/fusions.tsv", sep="\t", keep_default_na=False)
    assert pd.read_parquet(work / "results/fusions.parquet").shape == fusions.shape
    passing = fusions[fusions["filters"] == "."]
    truth = pd.read_csv(EXAMPLE / "truth.tsv", sep="\t", keep_default_na=False)
    positives = truth[truth["expected_result"] == "POSITIVE"]
    assert sorted(passing["sample"]) == sorted(positives["sample"])
    for t in positives.itertuples():
        (row,) = passing[passing["sample"] == t.sample].itertuples()
        assert (row.gene5, row.gene3, row.exon5, row.exon3) == (t.gene5, t.gene3, int(t.exon5), int(t.exon3))
        if t.assay == "rna":
            assert (row.breakpoint5, row.breakpoint3) == (t.breakpoint5, t.breakpoint3)
        assert 0 < row.supporting_fragments <= int(t.fusion_fragments)


def test_bam_without_ntrk_reads_is_indeterminate(tmp_path, bam_factory):
    from ntrkfusion.samplesheet import Sample
    from ntrkfusion.stages.layout import SampleFiles
    from ntrkfusion.stages.sample import analyse

    bam = bam_factory(reads=[Read(f"r{i}", "chr2", 1_000_000 + 50 * i) for i in range(20)])
    result = analyse(Sample("EMPTY", bam, "rna", 60.0), {}, SampleFiles(tmp_path / "EMPTY"))
    assert result.result == "INDETERMINATE" and "NO_TARGET_READS" in result.qc_flags
    assert "0 reads in the NTRK loci < 10" in result.reasons


def test_reads_outside_the_padded_loci_are_not_counted(tmp_path, bam_factory):
    from ntrkfusion.records import read_bam_info
    from ntrkfusion.samplesheet import Sample
    from ntrkfusion.stages.layout import SampleFiles
    from ntrkfusion.stages.sample import call_only

    reads = [Read("in", "chr1", 156874571), Read("pad", "chr1", 156900000), Read("far", "chr1", 1000000),
             Read("sec", "chr9", 84934200, flag=256), Read("qc", "chr15", 87940700, flag=512)]  # fmt: skip
    files = SampleFiles(tmp_path / "S1")
    call_only(Sample("S1", bam_factory(reads=reads), "rna", 50.0), {"ntrk_padding": 20000}, files)
    assert [locus.reads for locus in read_bam_info(files.bam_info).loci] == [2, 0, 0]


def test_bad_sheet_fails_before_any_job_one_line_per_problem(tmp_path):
    rows = [["S1", EXAMPLE / "etv6_ntrk3.bam", "rna", 150], ["S1", EXAMPLE / "etv6_ntrk3.bam", "rnaseq", 10]]
    work = project(tmp_path, rows)
    out = snakemake(work)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "ntrkfusion: error: sample sheet samples.tsv line 2, column tumour_content: 150 is outside 0-100",
        "ntrkfusion: error: sample sheet samples.tsv line 3, column assay: 'rnaseq' is not one of rna, dna, cfdna",
        "ntrkfusion: error: sample sheet samples.tsv line 3, column sample: duplicate sample ID 'S1' (also on line 2)",
    ]
    assert not (work / "results").exists()


def test_bam_problems_name_the_sample_and_leave_no_output(tmp_path, bam_factory):
    unindexed = bam_factory("noindex.bam", index=False)
    work = project(tmp_path, [["GOOD", EXAMPLE / "etv6_ntrk3.bam", "rna", 50], ["BAD", unindexed, "rna", 50],
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


def test_custom_annotation_from_a_gtf(tmp_path, example_run):
    from ntrkfusion.annotation import load_annotation

    gtf = write_gtf(tmp_path / "lab.gtf", load_annotation("GRCh38"))
    bam = EXAMPLE / "etv6_ntrk3.bam"
    custom = project(tmp_path / "custom", [["etv6_ntrk3", bam, "rna", 60]], genome_build="GRCh38-lab",
                     annotation_gtf=gtf)  # fmt: skip
    out = snakemake(custom)
    assert out.returncode == 0, out.stderr
    assert (custom / "results/annotation/GRCh38-lab/transcripts.parquet").is_file()
    ours = pd.read_csv(custom / "results/inputs.tsv", sep="\t").iloc[0]
    bundled = pd.read_csv(example_run / "results/inputs.tsv", sep="\t").set_index("sample").loc["etv6_ntrk3"]
    assert ours.build == "GRCh38-lab"
    genes = ["NTRK1_reads", "NTRK2_reads", "NTRK3_reads"]
    assert ours[genes].tolist() == bundled[genes].tolist()
