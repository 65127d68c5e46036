"""What only the workflow does with bad inputs (re-runs, interruptions, file modes, stale results,
a full disk, warnings in the cohort's tables); the table of bad inputs is ``test_bad_inputs.py``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pysam
import pytest

from ntrkfusion.cli import main

from .helpers import EXAMPLE, snakemake
from .bad_inputs import (
    copy_bam, corrupt_ntrk3_block, DNA_POSITIVE, sheet, _sm_differs,
)


# -- what only the workflow does ---------------------------------------------------------------

@pytest.fixture
def project(tmp_path) -> Path:
    """A working directory with two samples copied from the example."""
    (tmp_path / "config").mkdir()
    copy_bam(tmp_path, "etv6_ntrk3", "P1")
    copy_bam(tmp_path, "negative_rna", "P2")
    sheet(tmp_path / "config", ["P1\t../P1.bam\trna\t60", "P2\t../P2.bam\trna\t60"])
    (tmp_path / "config/config.yaml").write_text("samples: config/samples.tsv\n")
    return tmp_path


@pytest.fixture
def one_sample(tmp_path) -> Path:
    """A working directory with one sample copied from the example."""
    (tmp_path / "config").mkdir()
    copy_bam(tmp_path, "etv6_ntrk3", "P1")
    sheet(tmp_path / "config", ["P1\t../P1.bam\trna\t60"])
    (tmp_path / "config/config.yaml").write_text("samples: config/samples.tsv\n")
    return tmp_path


def results(work: Path) -> dict[str, str]:
    rows = (work / "results/samples.tsv").read_text().splitlines()[1:]
    return {r.split("\t")[0]: r.split("\t")[2] for r in rows}


@pytest.mark.workflow
def test_replaced_bam_with_an_older_timestamp_is_rerun_and_a_threshold_edit_too(one_sample):
    project = one_sample
    assert snakemake(project).returncode == 0
    assert results(project) == {"P1": "POSITIVE"}
    for suffix in ("", ".bai"):  # cp -p: the old file's timestamps come along
        subprocess.run(["cp", "-p", str(EXAMPLE / f"negative_rna.bam{suffix}"), str(project / f"P1.bam{suffix}")],
                       check=True)  # fmt: skip
    dry = snakemake(project, "-n")
    assert "analyse_sample" in dry.stdout and "params" in dry.stdout, dry.stdout
    assert snakemake(project).returncode == 0
    assert results(project) == {"P1": "NEGATIVE"}
    assert "Nothing to be done" in snakemake(project, "-n").stdout
    (project / "config/config.yaml").write_text("samples: config/samples.tsv\nqc:\n  min_tumour_content: 70\n")
    dry = snakemake(project, "-n")
    assert "analyse_sample" in dry.stdout and "params" in dry.stdout  # the samples' jobs read the threshold
    assert snakemake(project).returncode == 0
    assert results(project) == {"P1": "INDETERMINATE"}  # 60 % < 70 %


@pytest.mark.workflow
def test_after_kill_9_the_same_command_goes_on(one_sample):
    """A run killed mid-way leaves Snakemake's locks and incomplete markers; the README's own
    command (no --unlock, no --rerun-incomplete) must finish the job."""
    project = one_sample
    import base64
    import json
    import socket

    assert snakemake(project).returncode == 0
    dead = subprocess.run(["true"])  # a finished process: its pid is dead
    snake = project / ".snakemake"
    (snake / "ntrkfusion-run.json").write_text(json.dumps({"host": socket.gethostname(), "pid": 2**22 + 7}))
    (snake / "locks").mkdir(exist_ok=True)
    (snake / "locks/0.output.lock").write_text(str(project / "results/P1/qc.json") + "\n")
    qc = project / "results/P1/qc.json"
    (snake / "incomplete").mkdir(exist_ok=True)
    (snake / "incomplete" / base64.urlsafe_b64encode(b"results/P1/qc.json").decode()).touch()
    qc.write_text("{")  # what an interrupted writer could have left (ours never do)
    assert dead.returncode == 0
    out = snakemake(project)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(qc.read_text())["result"] == "POSITIVE"


@pytest.mark.workflow
def test_a_corrupt_block_deep_in_a_locus_fails_its_job_with_one_line(project):
    """Deeper than the probe before the run reads: the job ends with one line, no traceback,
    no output of that sample, and the other sample goes on (keep-going)."""
    corrupt_ntrk3_block(project / "P1.bam", skip=1500)
    Path(str(project / "P1.bam") + ".bai").touch()
    out = snakemake(project, "--keep-going")
    assert out.returncode != 0
    assert "ntrkfusion: error: sample P1: P1.bam cannot be read: the BGZF block at byte offset" in out.stderr, \
        out.stderr[-3000:]
    assert "Closing failed" not in out.stderr
    assert "Traceback" not in out.stderr
    assert not (project / "results/P1/fusions.tsv").exists() and (project / "results/P2/qc.json").exists()


@pytest.mark.workflow
def test_outputs_are_readable_as_the_umask_says(example_run):
    """The shared example run is made under umask 022 (conftest.example_run)."""
    import os
    import stat

    for name in ("samples.tsv", "report.html", "fusions.tsv", "samples.parquet", "etv6_ntrk3/qc.json",
                 "etv6_ntrk3/report.html", "etv6_ntrk3/fusions.vcf.gz", "etv6_ntrk3/supporting_reads.bam"):  # fmt: skip
        mode = stat.S_IMODE(os.stat(example_run / "results" / name).st_mode)
        assert mode == 0o644, (name, oct(mode))


@pytest.mark.workflow
def test_a_replaced_bed_reruns_and_a_refused_rerun_leaves_no_old_result(tmp_path):
    """A panel_bed replaced by an older file re-runs its sample (the BED is fingerprinted like
    the BAM); a sample whose replaced BAM is then refused (its index is older) loses its earlier
    result and the cohort tables before anything else: no stale result stands."""
    import os

    (tmp_path / "config").mkdir()
    copy_bam(tmp_path, DNA_POSITIVE, "P1")
    bed = tmp_path / "panel.bed"
    shutil.copy(EXAMPLE / f"{DNA_POSITIVE}.panel.bed", bed)
    sheet(tmp_path / "config", ["P1\t../P1.bam\tdna\t20\t../panel.bed"],
          header="sample\tbam\tassay\ttumour_content\tpanel_bed\n")  # fmt: skip
    (tmp_path / "config/config.yaml").write_text("samples: config/samples.tsv\n")
    assert snakemake(tmp_path).returncode == 0
    assert "Nothing to be done" in snakemake(tmp_path, "-n").stdout
    first = bed.read_text().splitlines()[0]
    bed.write_text(first + "\n")  # one target left, with the old file's timestamps
    stamp = os.stat(tmp_path / "results/P1/qc.json").st_mtime - 3600
    os.utime(bed, (stamp, stamp))
    assert "analyse_sample" in snakemake(tmp_path, "-n").stdout
    shutil.copy(EXAMPLE / "etv6_ntrk3.bam", tmp_path / "P1.bam")  # replaced, not re-indexed
    out = snakemake(tmp_path, "-n")
    assert out.returncode != 0 and "sample P1:" in out.stderr, out.stderr[-2000:]
    assert "earlier results of P1 were removed" in out.stderr
    assert not (tmp_path / "results/P1").exists() and not (tmp_path / "results/samples.tsv").exists()
    assert "Traceback" not in out.stderr


def test_warnings_that_change_a_result_reach_the_samples_table_the_cohort_report_and_the_summary(tmp_path):
    """An SM that differs from the sheet's ID was only in qc.json and the sample's report."""
    from ntrkfusion.records import read_sample_result, read_samples, write_samples
    from ntrkfusion.report.html import cohort_report
    from ntrkfusion.report.summary import end_of_run

    bam = _sm_differs(tmp_path)
    assert main(["run", str(bam), "--assay", "rna", "--sample", "P-17", "--tumour-content", "60",
                 "--out", str(tmp_path / "o")]) == 0  # fmt: skip
    result = read_sample_result(tmp_path / "o/P-17/qc.json")
    write_samples([result], tmp_path / "samples.parquet", tmp_path / "samples.tsv")
    header, row = (line.split("\t") for line in (tmp_path / "samples.tsv").read_text().splitlines())
    said = "read groups name the sample 'LIMS-4711', the sheet 'P-17'"
    assert said in row[header.index("warnings")]
    table = read_samples(tmp_path / "samples.parquet")
    assert f"warning: P-17: {said}" in end_of_run(table, tmp_path)
    assert "warning: read groups name the sample &#39;LIMS-4711&#39;" in cohort_report(table, tmp_path / "report.html")


@pytest.mark.parametrize("fault", ["report_on_a_full_disk", "index_cut_short"])
def test_a_full_disk_leaves_nothing_of_the_sample(tmp_path, monkeypatch, capsys, fault):
    """ENOSPC while the report is written, or an index cut short without an error (as a full
    disk can leave it): one line, and none of the sample's files (qc.json was written before)."""
    import errno

    import ntrkfusion.report.reads as reads
    import ntrkfusion.stages.render as render

    if fault == "report_on_a_full_disk":
        def full(*args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "o/P1/report.html"))

        monkeypatch.setattr(render, "sample_report", full)
    else:
        real = pysam.index

        def cut_short(path, *args):
            real(path, *args)
            index = Path(f"{path}.bai")
            index.write_bytes(index.read_bytes()[:20])

        monkeypatch.setattr(reads.pysam, "index", cut_short)
    (tmp_path / "o").mkdir()
    (tmp_path / "o/samples.tsv").write_text("sample\tassay\tresult\nP1\trna\tNEGATIVE\n")  # an earlier run's
    code = main(["run", str(copy_bam(tmp_path, "etv6_ntrk3", "P1")), "--assay", "rna", "--tumour-content", "60",
                 "--out", str(tmp_path / "o")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert ("no space left" if fault == "report_on_a_full_disk" else "was not written completely") in err, err
    assert "nothing of this sample was kept" in err
    assert not (tmp_path / "o/P1").exists() and not (tmp_path / "o/samples.tsv").exists()


@pytest.mark.workflow
def test_a_yaml_syntax_error_in_the_config_is_one_line_naming_line_and_column(one_sample):
    (one_sample / "config/config.yaml").write_text("samples: config/samples.tsv\nqc:\n  min_dna_depth: [1\n")
    out = snakemake(one_sample, "-n")
    assert out.returncode != 0
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert lines == ["ntrkfusion: error: config config/config.yaml line 4, column 1: not valid YAML "
                     "(expected ',' or ']', but got '<stream end>')"], out.stderr  # fmt: skip
