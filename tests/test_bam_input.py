import os
import time

import pytest

from ntrkfusion.bam_input import inspect_sample, inspect_samples
from ntrkfusion.errors import UserError
from ntrkfusion.genome import GRCH38_LENGTHS
from ntrkfusion.samplesheet import Sample


def sample(bam, name="S1", assay="rna", **kw):
    return Sample(sample=name, bam=bam, assay=assay, **kw)


def problem(s, **options) -> str:
    with pytest.raises(UserError) as err:
        inspect_sample(s, **options)
    (line,) = err.value.problems
    return line


def test_valid_bam_is_described(bam_factory):
    bam = bam_factory(build="GRCh37", chr_prefix=False)
    info = inspect_sample(sample(bam, assay="dna"))
    assert (info.build, info.chr_prefix, info.sort_order) == ("GRCh37", False, "coordinate")
    assert info.index == str(bam) + ".bai" and info.aligner == "unknown (ntrkfusion.testing)"


def test_missing_bam(tmp_path):
    assert problem(sample(tmp_path / "x.bam")) == f"sample S1: alignment file not found: {tmp_path / 'x.bam'}"


def test_missing_index(bam_factory):
    bam = bam_factory(index=False)
    assert problem(sample(bam)) == f"sample S1: no index for s.bam; create one with `samtools index {bam}`"


def test_index_without_bam_extension_is_found(bam_factory):
    bam = bam_factory()
    os.rename(str(bam) + ".bai", bam.with_suffix(".bai"))
    assert inspect_sample(sample(bam)).index == str(bam.with_suffix(".bai"))


def test_stale_index(bam_factory):
    bam = bam_factory()
    past = time.time() - 3600
    os.utime(str(bam) + ".bai", (past, past))
    assert "index s.bam.bai is older than s.bam" in problem(sample(bam))


def test_truncated_bam(bam_factory):
    bam = bam_factory()
    data = bam.read_bytes()
    bam.write_bytes(data[:-10])
    os.utime(str(bam) + ".bai")  # keep the index newer, so truncation is what is reported
    assert problem(sample(bam)) == (
        "sample S1: s.bam is truncated (no BGZF end-of-file block); copy or re-create it"
    )


def test_not_a_bam(tmp_path):
    """A text file with an index is 'not a BAM', never 'truncated'."""
    bam = tmp_path / "s.bam"
    bam.write_text("hello\n")
    (tmp_path / "s.bam.bai").write_text("x")
    assert problem(sample(bam)) == "sample S1: s.bam is a text file, not a BAM or CRAM file"


@pytest.mark.parametrize("order", ["queryname", "unsorted"])
def test_unsorted_bam(bam_factory, order):
    bam = bam_factory(sort_order=order)
    assert problem(sample(bam)) == (
        f"sample S1: s.bam is not coordinate-sorted (@HD SO:{order}); "
        "sort it with `samtools sort` and index it"
    )


def test_cram_without_reference(tmp_path):
    cram = tmp_path / "s.cram"
    cram.write_bytes(b"CRAM")
    assert problem(sample(cram)) == (
        "sample S1: s.cram is a CRAM; give its genome FASTA (`reference` in the config; --reference on the command line)"
    )


def test_wrong_build_forced(bam_factory):
    bam = bam_factory(build="GRCh37")
    assert "BAM header is GRCh37" in problem(sample(bam), genome_build="GRCh38")


def test_unknown_assembly(bam_factory):
    bam = bam_factory(contigs=dict(GRCH38_LENGTHS, chr1=248387328))
    assert problem(sample(bam)).startswith("sample S1: genome build not recognised")


def test_missing_panel_bed(bam_factory, tmp_path):
    bam = bam_factory()
    assert problem(sample(bam, panel_bed=tmp_path / "p.bed")) == f"sample S1: panel_bed not found: {tmp_path / 'p.bed'}"


def test_all_failing_samples_reported_together(bam_factory, tmp_path):
    good = bam_factory("good.bam")
    bad = bam_factory("bad.bam", index=False)
    with pytest.raises(UserError) as err:
        inspect_samples([sample(good, "A"), sample(bad, "B"), sample(tmp_path / "c.bam", "C")])
    assert [p.split(":")[0] for p in err.value.problems] == ["sample B", "sample C"]
