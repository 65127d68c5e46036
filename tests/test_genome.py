import pytest

from ntrkfusion.errors import UserError
from ntrkfusion.genome import (
    GRCH37_LENGTHS,
    GRCH38_LENGTHS,
    ContigNames,
    canonical_contig,
    detect_build,
    resolve_build,
)


def bare(lengths):
    return {("MT" if c == "chrM" else c[3:]): n for c, n in lengths.items()}


@pytest.mark.parametrize(
    "lengths, build, prefix",
    [
        (GRCH38_LENGTHS, "GRCh38", True),
        (bare(GRCH38_LENGTHS), "GRCh38", False),
        (GRCH37_LENGTHS, "GRCh37", True),
        (bare(GRCH37_LENGTHS), "GRCh37", False),
    ],
)
def test_detects_build_and_naming(lengths, build, prefix):
    call = detect_build(lengths)
    assert (call.build, call.chr_prefix) == (build, prefix)
    assert {"chr1", "chr9", "chr15"} <= set(call.matched)


def test_alt_and_decoy_contigs_are_ignored():
    lengths = dict(GRCH38_LENGTHS, chr1_KI270706v1_random=175055, chrEBV=171823, HLA_A_01=3503)
    assert detect_build(lengths).build == "GRCh38"


def test_unknown_assembly_is_not_guessed():
    t2t = dict(GRCH38_LENGTHS, chr1=248387328)  # CHM13 chr1
    call = detect_build(t2t)
    assert call.build is None and "248387328" in call.evidence
    with pytest.raises(UserError) as err:
        resolve_build("S1", t2t, "auto", custom_annotation=False)
    assert str(err.value).startswith("sample S1: genome build not recognised")
    assert "annotation_gtf" in str(err.value)


def test_mixed_builds_are_rejected():
    mixed = dict(GRCH38_LENGTHS, chr9=GRCH37_LENGTHS["chr9"])
    assert detect_build(mixed).build is None


def test_header_without_ntrk_chromosomes():
    call = detect_build({"chr2": GRCH38_LENGTHS["chr2"]})
    assert call.build is None and "chr1/chr9/chr15" in call.evidence


def test_forced_build_that_contradicts_header():
    with pytest.raises(UserError) as err:
        resolve_build("S1", GRCH37_LENGTHS, "GRCh38", custom_annotation=False)
    assert str(err.value) == (
        "sample S1: BAM header is GRCh37 (24 primary contig lengths match GRCh37) but config "
        "genome_build is GRCh38; align to GRCh38 or change genome_build"
    )


def test_forced_custom_build_needs_annotation():
    with pytest.raises(UserError, match="has no bundled annotation; set annotation_gtf"):
        resolve_build("S1", GRCH38_LENGTHS, "CHM13", custom_annotation=False)
    assert resolve_build("S1", GRCH38_LENGTHS, "CHM13", custom_annotation=True).build == "CHM13"


def test_contig_names_translate_both_ways():
    assert canonical_contig("1") == "chr1" and canonical_contig("MT") == "chrM"
    names = ContigNames(("1", "9", "15", "MT"))
    assert names.to_bam("chr9") == "9" and names.to_bam("chrM") == "MT" and names.to_bam("chr2") is None
    assert not names.uses_chr_prefix
