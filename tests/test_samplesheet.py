import pytest

from ntrkfusion.errors import UserError
from ntrkfusion.samplesheet import read_samples


def problems(path) -> list[str]:
    with pytest.raises(UserError) as err:
        read_samples(path)
    return err.value.problems


def test_valid_sheet_resolves_paths_against_its_folder(sheet_factory, tmp_path):
    path = sheet_factory(
        [["S1", "bams/s1.bam", "rna", "60", "45", ""], ["S-2.b_c", "/abs/s2.cram", "dna", "", "", "t.bed"]],
        header=("sample", "bam", "assay", "tumour_content", "dv200", "panel_bed"),
    )
    s1, s2 = read_samples(path)
    assert s1.bam == (tmp_path / "bams/s1.bam").resolve()
    assert (s1.tumour_content, s1.dv200, s1.panel_bed) == (60.0, 45.0, None)
    assert s2.bam.as_posix() == "/abs/s2.cram" and s2.is_cram
    assert s2.tumour_content is None  # missing is missing, never 100
    assert s2.panel_bed == (tmp_path / "t.bed").resolve()


def test_missing_required_column(sheet_factory):
    out = problems(sheet_factory([["S1", "rna"]], header=("sample", "assay")))
    assert out == ["sample sheet samples.tsv: required column 'bam' is missing"]


def test_duplicate_sample_names_both_lines(sheet_factory):
    out = problems(sheet_factory([["S1", "a.bam", "rna"], ["S1", "b.bam", "dna"]]))
    assert out == [
        "sample sheet samples.tsv line 3, column sample: duplicate sample ID 'S1' (also on line 2)"
    ]


def test_bad_assay(sheet_factory):
    out = problems(sheet_factory([["S1", "a.bam", "wgs"]]))
    assert out == ["sample sheet samples.tsv line 2, column assay: 'wgs' is not one of rna, dna, cfdna"]


def test_tumour_content_out_of_range(sheet_factory):
    path = sheet_factory([["S1", "a.bam", "rna", "150"]], header=("sample", "bam", "assay", "tumour_content"))
    assert problems(path) == ["sample sheet samples.tsv line 2, column tumour_content: 150 is outside 0-100"]


def test_tumour_content_not_a_number(sheet_factory):
    path = sheet_factory([["S1", "a.bam", "rna", "high"]], header=("sample", "bam", "assay", "tumour_content"))
    assert problems(path) == [
        "sample sheet samples.tsv line 2, column tumour_content: 'high' is not a number (leave it empty if not known)"
    ]


@pytest.mark.parametrize("cell", ["nan", "NaN", "NA", "n/a", "-", ""])
def test_not_given_is_never_a_number(sheet_factory, cell):
    """'nan' was accepted as a number: the sample became NEGATIVE with no LOW_TUMOUR_CONTENT flag."""
    path = sheet_factory([["S1", "a.bam", "rna", cell, cell]], header=("sample", "bam", "assay", "tumour_content", "dv200"))
    (sample,) = read_samples(path)
    assert sample.tumour_content is None and sample.dv200 is None


@pytest.mark.parametrize("cell", ["inf", "-inf", "Infinity"])
def test_infinity_is_a_clear_error(sheet_factory, cell):
    path = sheet_factory([["S1", "a.bam", "rna", cell]], header=("sample", "bam", "assay", "tumour_content"))
    assert problems(path) == [
        f"sample sheet samples.tsv line 2, column tumour_content: {cell!r} is not a number (leave it empty if not known)"
    ]


def test_qc_json_never_holds_a_bare_nan(tmp_path):
    import json

    from ntrkfusion.io import write_json

    write_json({"a": float("nan"), "b": [1.0, float("inf")], "c": {"d": 2.5}}, tmp_path / "x.json")
    assert json.loads((tmp_path / "x.json").read_text()) == {"a": None, "b": [1.0, None], "c": {"d": 2.5}}


@pytest.mark.parametrize("name", ["S 1", "S;1", "S/1", "é1"])
def test_sample_name_with_forbidden_character(sheet_factory, name):
    (line,) = problems(sheet_factory([[name, "a.bam", "rna"]]))
    assert line.startswith("sample sheet samples.tsv line 2, column sample:")
    assert repr(name) in line and "letters, digits" in line


def test_every_problem_reported_once_per_line(sheet_factory):
    out = problems(sheet_factory([["S1", "a.txt", "rna"], ["S 2", "b.bam", "xyz"], ["S3", "", "dna"]]))
    assert [p.split(",")[0] for p in out] == [
        "sample sheet samples.tsv line 2",
        "sample sheet samples.tsv line 3",
        "sample sheet samples.tsv line 3",
        "sample sheet samples.tsv line 4",
    ]
    assert out[-1] == "sample sheet samples.tsv line 4, column bam: value is empty"


def test_unknown_column_and_empty_sheet(sheet_factory):
    out = problems(sheet_factory([["S1", "a.bam", "rna", "x"]], header=("sample", "bam", "assay", "purity")))
    assert out == [
        "sample sheet samples.tsv: unknown column 'purity' "
        "(allowed: sample, bam, assay, tumour_content, dv200, panel_bed, umi, specimen_type, specimen_site, "
        "collection_date, block_id, requested_by)"
    ]
    assert problems(sheet_factory([])) == [f"sample sheet {sheet_factory([]).as_posix()}: no samples"]


def test_missing_sheet(tmp_path):
    assert problems(tmp_path / "nope.tsv") == [f"sample sheet {tmp_path / 'nope.tsv'}: file not found"]
