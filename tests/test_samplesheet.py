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
    assert out == ["sample sheet samples.tsv line 2, column assay: 'wgs' is not one of rna, dna"]


def test_tumour_content_out_of_range(sheet_factory):
    path = sheet_factory([["S1", "a.bam", "rna", "150"]], header=("sample", "bam", "assay", "tumour_content"))
    assert problems(path) == ["sample sheet samples.tsv line 2, column tumour_content: 150 is outside 0-100"]


def test_tumour_content_not_a_number(sheet_factory):
    path = sheet_factory([["S1", "a.bam", "rna", "high"]], header=("sample", "bam", "assay", "tumour_content"))
    assert problems(path) == ["sample sheet samples.tsv line 2, column tumour_content: 'high' is not a number"]


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
        "(allowed: sample, bam, assay, tumour_content, dv200, panel_bed)"
    ]
    assert problems(sheet_factory([])) == [f"sample sheet {sheet_factory([]).as_posix()}: no samples"]


def test_missing_sheet(tmp_path):
    assert problems(tmp_path / "nope.tsv") == [f"sample sheet {tmp_path / 'nope.tsv'}: file not found"]
