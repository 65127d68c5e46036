"""Inputs that cannot mislead: one table row per bad input a lab could send.

Each row builds its input from the bundled example BAMs (pysam, samtools) in a temporary
folder and states the exact outcome: the exit code, the key words of the one-line message,
no traceback.  The checks are the workflow's own (``ntrkfusion check-samples`` runs the same
code before any job); the inputs are built in ``bad_inputs.py``; what only the workflow does
(re-runs, interruptions, file modes, stale results, a full disk) is tested in
``test_bad_inputs_workflow.py``.  A new bug becomes a new row.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pysam
import pytest

from ntrkfusion.cli import main

from .bad_inputs import (
    _all_duplicates_with_umi_declared, _bam_row, _bed_row, _bom_sheet, _call_on_cram, Case,
    _check_with_config, _comma_sheet, copy_bam, _corrupt_deep, _corrupt_in_ntrk, DNA_POSITIVE,
    _foreign_newer_index, _housekeeping_not_annotated, _index_of_fewer_contigs, _pon_of_the_positive,
    _queryname_no_index, _reference, _refseq_name, _reheadered, _rows, _run_with_config, _sam_named_bam,
    _sample_with_pon_of_itself, sheet, _sm_differs, _text_no_index, _truncated_no_index,
    _two_samples_in_one_bam,
)
from .helpers import EXAMPLE


CASES = [
    Case("sample_id_dot", lambda t: _rows(t, [f".\t{copy_bam(t)}\trna\t60"]), 1,
         ("line 2, column sample", "starting with a letter or digit")),
    Case("sample_id_dotdot", lambda t: _rows(t, [f"..\t{copy_bam(t)}\trna\t60"]), 1, ("column sample", "'..'")),
    Case("sample_id_300_chars", lambda t: _rows(t, [f"{'A' * 300}\t{copy_bam(t)}\trna\t60"]), 1,
         ("300 characters; at most 64",)),
    Case("hash_in_sample_not_first_column", lambda t: _rows(t, [f"{copy_bam(t)}\tP7#2\trna"],
                                                             header="bam\tsample\tassay\n"), 1,
         ("column sample: 'P7#2' is not allowed",)),
    Case("hash_in_bam_path", lambda t: _rows(t, [f"P7\t{copy_bam(t, to='run#2')}\trna\t60"]), 0, ("1 sample ready",)),
    Case("empty_sheet", lambda t: _rows(t, [], header=""), 1, ("empty (no header line)",)),
    Case("header_only", lambda t: _rows(t, []), 1, ("no samples",)),
    Case("trailing_tab_on_a_row", lambda t: _rows(t, [f"S1\t{copy_bam(t)}\trna\t60\t"]), 0, ("1 sample ready",)),
    Case("extra_cell_on_a_row", lambda t: _rows(t, [f"S1\t{copy_bam(t)}\trna\t60\tx"]), 1,
         ("line 2: 5 cells but the header has 4 columns",)),
    Case("line_numbers_count_comments_and_blanks", lambda t: _rows(t, ["# run 12", "", f"S1\t{copy_bam(t)}\tmrna\t60"]),
         1, ("line 4, column assay",)),
    Case("nan_tumour_content_is_not_given", lambda t: _rows(t, [f"S1\t{copy_bam(t)}\trna\tnan"]), 0, ("1 sample ready",)),
    Case("same_file_under_two_ids", lambda t: _rows(t, [f"A\t{copy_bam(t)}\trna\t60", f"B\t{copy_bam(t)}\trna\t60"]),
         1, ("samples A and B name the same file",)),
    Case("two_samples_in_one_bam", lambda t: _bam_row(t, _two_samples_in_one_bam), 1,
         ("holds reads of 2 samples", "P1, P2")),
    Case("truncated_without_index", lambda t: _bam_row(t, _truncated_no_index), 1, ("is truncated",)),
    Case("text_file_without_index", lambda t: _bam_row(t, _text_no_index), 1, ("a text file, not a BAM or CRAM",)),
    Case("sam_named_bam", lambda t: _bam_row(t, _sam_named_bam), 1, ("a SAM text file, not BAM",)),
    Case("sam_named_bam_with_bai", lambda t: _bam_row(t, lambda x: _sam_named_bam(x, index=True)), 1,
         ("a SAM text file, not BAM",)),
    Case("queryname_sorted_without_index", lambda t: _bam_row(t, _queryname_no_index), 1,
         ("not coordinate-sorted (@HD SO:queryname)",)),
    Case("newer_index_of_another_bam", lambda t: _bam_row(t, _foreign_newer_index), 1,
         ("cannot be read in the NTRK loci: the index etv6_ntrk3.bam.bai does not match this file", "samtools index")),
    Case("index_of_fewer_contigs", lambda t: _bam_row(t, _index_of_fewer_contigs), 1,
         ("was made for another file (3 reference sequences",)),
    Case("corrupt_block_in_an_ntrk_locus", lambda t: _bam_row(t, _corrupt_in_ntrk), 1,
         ("cannot be read in the NTRK loci: the BGZF block at byte offset", "cannot be decompressed")),
    Case("reference_missing", lambda t: _reference(t, "missing"), 1, ("reference", "file not found")),
    Case("reference_without_fai", lambda t: _reference(t, "no_index"), 1, ("no index (ref.fa.fai)", "samtools faidx")),
    Case("reference_of_another_genome", lambda t: _reference(t, "other_genome"), 1,
         ("is another genome: chr1 is 248956422 bases in the alignment header",)),
    Case("reference_gzip_not_bgzip", lambda t: _reference(t, "gzip"), 1, ("gzip-compressed, not bgzip",)),
    Case("call_sample_with_a_path", lambda t: ["call", str(copy_bam(t)), "--assay", "rna", "--sample", "../x",
                                               "--out", str(t / "o")], 1, ("sample name '../x'",)),
    Case("call_reference_missing", lambda t: ["call", str(copy_bam(t)), "--assay", "rna", "--reference",
                                              str(t / "nope.fa")], 1, ("--reference", "file not found")),
    Case("call_out_is_a_file", lambda t: ["call", str(copy_bam(t)), "--assay", "rna", "--out",
                                          str(Path(shutil.copy(EXAMPLE / "truth.tsv", t / "x.tsv")))], 1,
         ("--out", "is a file")),
    Case("pon_holding_a_known_fusion_never_gives_negative", _sample_with_pon_of_itself, 0,
         ("INDETERMINATE", "TPM3::NTRK1", "known_fusion_in_panel")),
    Case("build_pon_refuses_a_normal_with_a_qualifying_fusion", lambda t: _pon_of_the_positive(t, force=False), 1,
         ("normal N1 carries the qualifying fusion TPM3::NTRK1", "--force")),
    Case("build_pon_force_keeps_it_with_a_warning", _pon_of_the_positive, 0,
         ("warning: build-pon: normal N1 carries", "kept (--force)")),
    *[Case(f"threshold_{key}_0_sets_the_check_off", lambda t, k=key, n=name, a=assay: _run_with_config(
        t, f"qc:\n  {k}: 0\n", n, a), 0, (result,)) for key, name, assay, result in (
        ("min_tumour_content", DNA_POSITIVE, "dna", "POSITIVE"), ("min_dna_depth", DNA_POSITIVE, "dna", "POSITIVE"),
        ("min_housekeeping_fraction", "negative_rna", "rna", "NEGATIVE"),
        ("max_duplicate_rate", "negative_rna", "rna", "NEGATIVE"))],
    Case("sheet_with_a_utf8_byte_order_mark", _bom_sheet, 0, ("1 sample ready",)),
    Case("comma_separated_sheet_gets_a_hint", _comma_sheet, 1, ("comma-separated", "tab-separated")),
    Case("config_yaml_syntax_error_names_line_and_column", lambda t: _run_with_config(t, "qc:\n  min_dna_depth: [1\n"),
         1, ("c.yaml line 3, column 1: not valid YAML",)),
    Case("panel_bed_that_is_not_a_bed", lambda t: _bed_row(t, "not a bed\n"), 1,
         ("sample S1: panel_bed panel.bed: not a BED file: line 1",)),
    Case("panel_bed_that_is_empty", lambda t: _bed_row(t, "track name=x\n"), 1, ("panel_bed panel.bed: holds no interval",)),
    Case("panel_bed_on_an_rna_row", lambda t: _bed_row(t, None, assay="rna"), 1,
         ("sample S1: panel_bed panel.bed is given for an rna sample",)),
    Case("declared_umis_absent_fall_back_to_positions", _all_duplicates_with_umi_declared, 0,
         ("INDETERMINATE", "duplicate rate 100% > 60%", "umi RX is declared but 0% of the reads carry a UMI")),
    Case("housekeeping_genes_not_in_the_annotation", _housekeeping_not_annotated, 0,
         ("INDETERMINATE", "none of the housekeeping genes (NOTAGENE1, NOTAGENE2) is in the annotation")),
    Case("check_samples_config_names_its_sheet", lambda t: _check_with_config(t, "", sheet_arg=False), 0,
         ("1 sample ready",)),
    Case("check_samples_config_key_unknown", lambda t: _check_with_config(t, "qc:\n  min_depht: 3\n"), 1,
         ("config section qc:", "'min_depht' was unexpected")),
    Case("check_samples_config_long_reads_neither_auto_nor_a_boolean",
         lambda t: _check_with_config(t, "long_reads: maybe\n"), 1, ("config key long_reads: 'maybe' is not one of",)),
    Case("check_samples_config_names_a_missing_panel_of_normals", lambda t: _check_with_config(
        t, f"panel_of_normals: {t / 'nope.tsv'}\n"), 1, ("panel_of_normals", "nope.tsv")),
    Case("reheadered_to_bare_names_with_chr_sa_tags", lambda t: _reheadered(t, lambda n: n.removeprefix("chr")), 0,
         ("POSITIVE", "ETV6", "NTRK3")),
    Case("grch38_refseq_contig_names", lambda t: _reheadered(t, _refseq_name), 0, ("POSITIVE", "ETV6", "NTRK3")),
    Case("corrupt_block_deep_in_a_locus_in_words", lambda t: ["run", str(_corrupt_deep(t)), "--assay", "rna",
                                                               "--out", str(t / "o")], 1,
         ("sample S1: S1.bam cannot be read: the BGZF block at byte offset", "cannot be decompressed")),
    Case("call_on_a_cram_names_the_option", _call_on_cram, 1, ("is a CRAM", "--reference")),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input(case, tmp_path, capsys):
    args = case.build(tmp_path)
    code = main(args)
    out, err = capsys.readouterr()
    text = out + err
    assert code == case.exit, text
    for word in case.words:
        assert word in text, text
    assert "Traceback" not in text
    if code:
        assert all(line.startswith("ntrkfusion: ") for line in err.splitlines()), err


def test_sm_tag_that_differs_is_a_warning_or_with_strict_identity_an_error(tmp_path, capsys):
    bam = _sm_differs(tmp_path)
    path = sheet(tmp_path, [f"P-17\t{bam}\trna\t60"])
    assert main(["check-samples", str(path)]) == 0
    assert "warning: sample P-17: read groups name the sample 'LIMS-4711', the sheet 'P-17'" in capsys.readouterr().err
    from ntrkfusion.bam_input import inspect_sample
    from ntrkfusion.errors import UserError
    from ntrkfusion.samplesheet import Sample

    with pytest.raises(UserError, match="strict_identity is set"):
        inspect_sample(Sample("P-17", bam, "rna"), strict_identity=True)


def test_a_cram_is_decoded_only_with_the_genome_it_was_written_with(tmp_path, catalogue):
    """Same contig names and lengths, other sequence: the CRAM header's M5 says so."""
    import hashlib

    from ntrkfusion.bam_input import inspect_sample
    from ntrkfusion.reference import Reference
    from ntrkfusion.samplesheet import Sample

    cram = tmp_path / "s.cram"
    subprocess.run(["samtools", "view", "-C", "-T", str(catalogue.reference), "-o", str(cram),
                    str(EXAMPLE / "negative_rna.bam")], check=True)  # fmt: skip
    pysam.index(str(cram))
    info = inspect_sample(Sample("negative_rna", cram, "rna"), reference=str(catalogue.reference))
    assert (info.build, info.warnings) == ("GRCh38", ())
    from ntrkfusion.annotation import load_annotation
    from ntrkfusion.config import control_genes
    from ntrkfusion.genome import ContigNames
    from ntrkfusion.qc.rna import rna_metrics

    with pysam.AlignmentFile(str(cram), reference_filename=str(catalogue.reference)) as fh:
        metrics = rna_metrics(fh, load_annotation("GRCh38"), ContigNames(tuple(fh.references)), 10, control_genes(None))
    assert metrics["mapped_reads"] is None and metrics["housekeeping_reads"] > 1000  # a .crai counts nothing: unknown
    tiny = tmp_path / "tiny.fa"  # a stand-in genome: chr1/9/15 of 100 bases
    tiny.write_text("".join(f">{c}\n{'ACGT' * 25}\n" for c in ("chr1", "chr9", "chr15")))
    pysam.faidx(str(tiny))
    other = hashlib.md5(b"C" * 100).hexdigest()
    header = {"SQ": [{"SN": c, "LN": 100, "M5": other} for c in ("chr1", "chr9", "chr15")]}
    problem, _ = Reference.open(tiny).matches(header, is_cram=True)
    assert problem.startswith(f"reference {tiny} is not the genome this CRAM was written with (chr1 MD5 differs)")
    same = {"SQ": [dict(sq, M5=hashlib.md5(b"ACGT" * 25).hexdigest()) for sq in header["SQ"]]}
    assert Reference.open(tiny).matches(same, is_cram=True) == (None, None)


def test_call_on_a_bam_without_ntrk_reads_says_it_could_not_show_a_fusion(tmp_path, bam_factory, capsys):
    from ntrkfusion.testing import Read

    bam = bam_factory(reads=[Read("r", "chr2", 1_000_000)])
    assert main(["call", str(bam), "--assay", "rna", "--out", str(tmp_path / "o")]) == 0
    assert "could not have shown an NTRK fusion (not a negative)" in capsys.readouterr().out
