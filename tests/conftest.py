"""Shared fixtures: sample sheets and small indexed BAMs built in the test (pysam)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from ntrkfusion.testing import Read, write_bam

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NTRKFUSION_SHARED", ROOT.parent / "shared" / "data"))


def shared_file(relative: str) -> Path:
    """A reference file from ../shared/data (never copied into the repository), or skip."""
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"needs ../shared/data/{relative} (public reference data, not bundled)")
    return path


def need_aligners() -> None:
    """Skip without STAR/HISAT2/bwa, unless NTRKFUSION_REQUIRE_ALIGNERS=1 (CI), where it fails."""
    missing = [t for t in ("STAR", "hisat2", "bwa") if shutil.which(t) is None]
    if missing:
        message = f"needs {' and '.join(missing)} (Debian: rna-star, hisat2, bwa)"
        if os.environ.get("NTRKFUSION_REQUIRE_ALIGNERS") == "1":
            pytest.fail(message + "; NTRKFUSION_REQUIRE_ALIGNERS=1 forbids skipping")
        pytest.skip(message)


@pytest.fixture(scope="session")
def catalogue(tmp_path_factory):
    """Every named case simulated once per test session (STAR, HISAT2, bwa), with the reference."""
    from ntrkfusion.simulate.cases import CATALOGUE, GENOME_GENES
    from ntrkfusion.simulate.locus_genome import LocusGenome
    from ntrkfusion.simulate.reference import write_reference
    from ntrkfusion.simulate.run import simulate
    from ntrkfusion.annotation import load_annotation

    need_aligners()
    out, cache = tmp_path_factory.mktemp("catalogue"), tmp_path_factory.mktemp("cache")
    sims = {name: simulate(case, out, cache) for name, case in CATALOGUE.items()}
    reference = write_reference(LocusGenome(load_annotation("GRCh38"), GENOME_GENES), out / "reference.fa.gz")
    return Catalogue(sims, cache, reference)


@dataclass
class Catalogue:
    sims: dict
    cache: Path
    reference: Path


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
