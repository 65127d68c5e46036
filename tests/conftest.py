"""Shared fixtures: the simulated catalogue (kept between sessions, keyed by what made it), every
case analysed once, the bundled example run once through the workflow, and small indexed BAMs
and sample sheets built in the test (pysam).

"Once" holds across pytest-xdist workers (``helpers.once``): a session's workers share the
session's temporary folder, and split the work between them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pytest

from ntrkfusion.testing import Read, write_bam

from .helpers import CACHE, ROOT, digest, example_rows, need_aligners, once, project, snakemake


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory) -> Path:
    """A folder every worker of this session sees."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _aligner_versions() -> str:
    versions = []
    for cmd in (["STAR", "--version"], ["hisat2", "--version"], ["bwa"], ["minimap2", "--version"]):
        out = subprocess.run(cmd, capture_output=True, text=True)
        versions.append((out.stdout + out.stderr).splitlines()[:3])
    return repr(versions)


def catalogue_key() -> str:
    """What the simulated BAMs depend on: the simulator, the annotation and the aligners."""
    src = ROOT / "src/ntrkfusion"
    files = [*(src / "simulate").glob("*.py"), *(src / "annotation").glob("*.py"), src / "sequence.py",
             src / "aligners.py", *(ROOT / "resources/GRCh38").iterdir()]  # fmt: skip
    return digest(files, _aligner_versions())


@dataclass
class Catalogue:
    sims: dict  # case name -> simulate.run.Simulated
    folder: Path

    @property
    def reference(self) -> Path:
        return self.folder / "reference" / "reference.fa.gz"

    @property
    def boundaries(self) -> Path:
        return self.folder / "reference" / "exon_boundaries.parquet"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """Every named case simulated with the real aligners (STAR, HISAT2, bwa, minimap2), the reference the
    reads were aligned to and its exon-boundary table; built once, kept in CACHE."""
    from ntrkfusion.annotation import load_annotation
    from ntrkfusion.calling.clips import boundary_table
    from ntrkfusion.records import write_exon_boundaries
    from ntrkfusion.simulate.cases import CATALOGUE, GENOME_GENES
    from ntrkfusion.simulate.locus_genome import LocusGenome
    from ntrkfusion.simulate.reference import write_reference
    from ntrkfusion.simulate.run import simulate

    need_aligners()
    folder = CACHE / f"catalogue-{catalogue_key()}"

    def build(name: str, out: Path) -> None:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        if name == "reference":  # the genome, and the exon-boundary table read from it
            ann = load_annotation("GRCh38")
            write_reference(LocusGenome(ann, GENOME_GENES), out / "reference.fa.gz")
            write_exon_boundaries(boundary_table(ann, str(out / "reference.fa.gz")), out / "exon_boundaries.parquet")
        else:
            sim = simulate(CATALOGUE[name], out, CACHE / "aligners")
            sim.truth.to_csv(out / "truth.tsv", sep="\t", index=False, lineterminator="\n")

    once(folder, ["reference", *CATALOGUE], build)
    return Catalogue({name: _simulated(folder / name, name) for name in CATALOGUE}, folder)


def _simulated(folder: Path, name: str):
    from ntrkfusion.simulate.run import TRUTH_TYPES, Simulated

    truth = pd.read_csv(folder / "truth.tsv", sep="\t", dtype=TRUTH_TYPES)
    for column in ("expected_qc_flags", "description"):  # text: empty, as the simulator writes it
        truth[column] = truth[column].astype(object).where(truth[column].notna(), "")
    bed = folder / f"{name}.panel.bed"
    return Simulated(folder / f"{name}.bam", truth, bed if bed.is_file() else None)


@dataclass
class Analysed:
    """One case's files as ``stages.sample.analyse`` wrote them, read back through ``records``."""

    folder: Path

    @cached_property
    def fusions(self) -> pd.DataFrame:
        from ntrkfusion.records import read_fusions

        return read_fusions(self.folder / "fusions.parquet")

    @cached_property
    def evidence(self) -> pd.DataFrame:
        from ntrkfusion.records import read_evidence

        return read_evidence(self.folder / "evidence.parquet")

    @cached_property
    def qc(self):
        from ntrkfusion.records import read_sample_result

        return read_sample_result(self.folder / "qc.json")


NO_REFERENCE = "etv6_ntrk3_nochim.no_reference"  # a case analysed without the reference too


def case_sample(name: str, sim):
    """The sheet row a lab would write for a case (its UMIs in the umi column)."""
    from ntrkfusion.samplesheet import Sample
    from ntrkfusion.simulate.cases import CATALOGUE

    case = CATALOGUE[name]
    return Sample(name, sim.bam, case.assay, case.tumour_content, case.dv200, sim.panel_bed,
                  umi=case.umi if case.umi != "none" else None)  # fmt: skip


@pytest.fixture(scope="session")
def analysed(catalogue, shared_dir) -> dict[str, Analysed]:
    """Every case through the whole per-sample path once (with the reference, as a lab would
    run RNA), shared by the calling, QC and report tests."""
    from ntrkfusion.records import read_exon_boundaries
    from ntrkfusion.stages.layout import SampleFiles
    from ntrkfusion.stages.sample import analyse

    boundaries = read_exon_boundaries(catalogue.boundaries)
    folder = shared_dir / "analysed"

    def build(name: str, out: Path) -> None:
        case = name.split(".")[0]
        config = {} if name == NO_REFERENCE else {"reference": str(catalogue.reference)}
        analyse(case_sample(case, catalogue.sims[case]), config, SampleFiles(out),
                boundaries=None if name == NO_REFERENCE else boundaries)  # fmt: skip

    names = [*catalogue.sims, NO_REFERENCE]
    once(folder, names, build)
    return {name: Analysed(folder / name) for name in names}


@pytest.fixture(scope="session")
def example_run(shared_dir) -> Path:
    """README command 1: the bundled example through the workflow, once per session, under
    umask 022."""

    def build(_, out: Path) -> None:
        work = project(out, example_rows())
        mask = os.umask(0o022)  # a lab's usual umask: test_bad_inputs reads the files' modes
        try:
            done = snakemake(work)
        finally:
            os.umask(mask)
        assert done.returncode == 0, done.stderr[-3000:]

    once(shared_dir, ["example"], build)
    return shared_dir / "example"


@pytest.fixture
def bam_factory(tmp_path):
    """make(name, reads=None, **header_args) -> an indexed BAM in tmp_path."""

    def make(name: str = "s.bam", reads: list[Read] | None = None, **header_args) -> Path:
        reads = reads if reads is not None else [Read("r1", "chr1", 156874571)]
        return write_bam(tmp_path / name, reads, **header_args)

    return make


@pytest.fixture
def sheet_factory(tmp_path):
    """make(rows, header=...) -> path of a TSV sample sheet in tmp_path."""

    def make(rows: list[list[str]], header=("sample", "bam", "assay"), name="samples.tsv") -> Path:
        path = tmp_path / name
        lines = ["\t".join(header)] + ["\t".join(map(str, r)) for r in rows]
        path.write_text("\n".join(lines) + "\n")
        return path

    return make


def pytest_xdist_auto_num_workers(config) -> int:
    """One worker more than the cores: several tests wait on subprocesses (SLURM, Snakemake, a
    browser) with their core idle, and the extra worker uses it."""
    return (os.cpu_count() or 1) + 1
