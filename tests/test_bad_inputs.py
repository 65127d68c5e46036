"""Inputs that cannot mislead: one table row per bad input a lab could send.

Each row builds its input from the bundled example BAMs (pysam, samtools) in a temporary
folder and states the exact outcome: the exit code, the key words of the one-line message,
no traceback.  The checks are the workflow's own (``ntrkfusion check-samples`` runs the same
code before any job); what only the workflow does (re-runs, interruptions, file modes) is
tested below the table.  A new bug becomes a new row.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pysam
import pytest

from ntrkfusion.cli import main

from .helpers import EXAMPLE, snakemake

HEADER = "sample\tbam\tassay\ttumour_content\n"


def copy_bam(tmp: Path, name: str = "etv6_ntrk3", to: str | None = None) -> Path:
    out = tmp / f"{to or name}.bam"
    shutil.copy(EXAMPLE / f"{name}.bam", out)
    shutil.copy(EXAMPLE / f"{name}.bam.bai", str(out) + ".bai")
    return out


def sheet(tmp: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp / "samples.tsv"
    path.write_text(header + "".join(r + "\n" for r in rows))
    return path


def rewrite(src: Path, dst: Path, header_change: Callable[[dict], dict] | None = None, sam: bool = False) -> Path:
    """A copy of ``src`` with an edited header (as BAM, or as SAM text when ``sam``)."""
    with pysam.AlignmentFile(str(src)) as fh:
        header = fh.header.to_dict()
        if header_change:
            header = header_change(header)
        with pysam.AlignmentFile(str(dst), "w" if sam else "wb", header=header) as out:
            for read in fh.fetch(until_eof=True):
                out.write(pysam.AlignedSegment.from_dict(read.to_dict(), out.header))
    return dst


def corrupt_ntrk3_block(bam: Path, skip: int = 0) -> None:
    """Flip bytes inside the compressed data of the BGZF block holding NTRK3's ``skip``-th read."""
    with pysam.AlignmentFile(str(bam)) as fh:
        for n, _ in enumerate(fh.fetch("chr15", 87859750, 88256739)):
            if n == skip:
                break
        offset = fh.tell() >> 16  # the compressed offset of the block being read
    data = bytearray(bam.read_bytes())
    for i in range(offset + 40, offset + 80):
        data[i] ^= 0xFF
    bam.write_bytes(bytes(data))


# -- the table ---------------------------------------------------------------------------------

@dataclass
class Case:
    id: str
    build: Callable[[Path], list[str]]  # makes the inputs in tmp, returns the command's arguments
    exit: int
    words: tuple[str, ...]  # key words of the message (stderr, or stdout when exit is 0)


def _rows(tmp, rows, header=HEADER):
    return ["check-samples", str(sheet(tmp, rows, header))]


def _bam_row(tmp, make, name="S1"):
    return _rows(tmp, [f"{name}\t{make(tmp)}\trna\t60"])


def _truncated_no_index(tmp):
    bam = copy_bam(tmp)
    bam.write_bytes(bam.read_bytes()[:-100])
    Path(str(bam) + ".bai").unlink()
    return bam


def _text_no_index(tmp):
    (tmp / "t.bam").write_text("sample\tresult\nP1\tPOSITIVE\n")
    return tmp / "t.bam"


def _sam_named_bam(tmp, index=False):
    out = rewrite(EXAMPLE / "negative_rna.bam", tmp / "s.sam", sam=True)
    out.rename(tmp / "s.bam")
    if index:
        shutil.copy(EXAMPLE / "negative_rna.bam.bai", tmp / "s.bam.bai")
    return tmp / "s.bam"


def _queryname_no_index(tmp):
    return rewrite(EXAMPLE / "negative_rna.bam", tmp / "q.bam", lambda h: {**h, "HD": {"VN": "1.6", "SO": "queryname"}})


def _foreign_newer_index(tmp):
    bam = copy_bam(tmp)
    shutil.copy(EXAMPLE / "dna_tpm3_ntrk1_20.bam.bai", str(bam) + ".bai")  # same header, other file
    return bam


def _index_of_fewer_contigs(tmp):
    bam = copy_bam(tmp)
    small = rewrite(EXAMPLE / "negative_rna.bam", tmp / "small.bam",
                    lambda h: {**h, "SQ": h["SQ"]})  # same contigs, re-indexed below with CSI of another layout
    pysam.index(str(small))
    fewer = tmp / "fewer.bam"
    with pysam.AlignmentFile(str(small)) as fh, pysam.AlignmentFile(
        str(fewer), "wb", header={"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": fh.header.to_dict()["SQ"][:3]}
    ) as out:  # fmt: skip
        for read in fh.fetch("chr1"):
            out.write(pysam.AlignedSegment.from_dict(read.to_dict(), out.header))
    pysam.index(str(fewer))
    shutil.copy(str(fewer) + ".bai", str(bam) + ".bai")
    return bam


def _corrupt_in_ntrk(tmp):
    bam = copy_bam(tmp)
    corrupt_ntrk3_block(bam)
    Path(str(bam) + ".bai").touch()
    return bam


def _two_samples_in_one_bam(tmp):
    return rewrite(EXAMPLE / "negative_rna.bam", tmp / "two.bam",
                   lambda h: {**h, "RG": [{"ID": "a", "SM": "P1"}, {"ID": "b", "SM": "P2"}]}) and _indexed(tmp / "two.bam")


def _sm_differs(tmp):
    return _indexed(rewrite(EXAMPLE / "negative_rna.bam", tmp / "sm.bam",
                            lambda h: {**h, "RG": [{"ID": "a", "SM": "LIMS-4711"}]}))  # fmt: skip


def _indexed(bam: Path) -> Path:
    pysam.index(str(bam))
    return bam


def _reference(tmp, kind):
    bam = copy_bam(tmp)
    if kind == "missing":
        ref = tmp / "nope.fa"
    else:
        ref = tmp / "ref.fa"
        ref.write_text(">chr1\n" + "ACGT" * 25 + "\n")
        if kind == "other_genome":
            pysam.faidx(str(ref))
        elif kind == "gzip":
            ref = tmp / "ref.fa.gz"
            with gzip.open(ref, "wt") as fh:
                fh.write(">chr1\nACGT\n")
    return ["check-samples", str(sheet(tmp, [f"S1\t{bam}\trna\t60"])), "--reference", str(ref)]


# -- second sweep (issue 21) -------------------------------------------------------------------

DNA_POSITIVE = "dna_tpm3_ntrk1_20"


def _dna_row(tmp, name="S1", bed=None) -> str:
    bam = copy_bam(tmp, DNA_POSITIVE, name)
    return f"{name}\t{bam}\tdna\t20\t{bed or EXAMPLE / (DNA_POSITIVE + '.panel.bed')}"


def _pon_of_the_positive(tmp, force=True) -> list[str]:
    """build-pon on the DNA TPM3::NTRK1 positive itself (``--min-samples 1``)."""
    normals = sheet(tmp, [_dna_row(tmp, "N1")], header="sample\tbam\tassay\ttumour_content\tpanel_bed\n")
    return ["build-pon", str(normals), "--out", str(tmp / "pon.tsv"), "--min-samples", "1"] + (["--force"] if force else [])


def _run_with_config(tmp, text: str, name=DNA_POSITIVE, assay="dna", extra=()) -> list[str]:
    (tmp / "c.yaml").write_text(text)
    args = ["run", str(copy_bam(tmp, name)), "--assay", assay, "--tumour-content", "20" if assay == "dna" else "60",
            "--config", str(tmp / "c.yaml"), "--out", str(tmp / "o"), *extra]
    if assay == "dna":
        args += ["--panel-bed", str(EXAMPLE / (DNA_POSITIVE + ".panel.bed"))]
    return args


def _sample_with_pon_of_itself(tmp):
    assert main(_pon_of_the_positive(tmp)) == 0
    return _run_with_config(tmp, f"panel_of_normals: {tmp / 'pon.tsv'}\n")


def _bom_sheet(tmp):
    path = sheet(tmp, [f"S1\t{copy_bam(tmp)}\trna\t60"])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return ["check-samples", str(path)]


def _comma_sheet(tmp):
    path = tmp / "samples.csv"
    path.write_text(f"sample,bam,assay\nS1,{copy_bam(tmp)},rna\n")
    return ["check-samples", str(path)]


def _bed_row(tmp, text: str | None, assay="dna"):
    bed = tmp / "panel.bed"
    if text is not None:
        bed.write_text(text)
    else:
        shutil.copy(EXAMPLE / (DNA_POSITIVE + ".panel.bed"), bed)
    bam = copy_bam(tmp, DNA_POSITIVE if assay == "dna" else "negative_rna", "S1")
    return _rows(tmp, [f"S1\t{bam}\t{assay}\t20\t{bed}"], header="sample\tbam\tassay\ttumour_content\tpanel_bed\n")


def _call_on_cram(tmp):
    return ["call", str(_real_cram(tmp)), "--assay", "rna", "--out", str(tmp / "o")]


def _real_cram(tmp) -> Path:
    """A CRAM whose bytes are a CRAM (made without a reference: its sequence is embedded)."""
    cram = tmp / "real.cram"
    subprocess.run(["samtools", "view", "-C", "--output-fmt-option", "embed_ref=2", "-o", str(cram),
                    str(EXAMPLE / "negative_rna.bam")], check=True, capture_output=True)  # fmt: skip
    return cram



def _all_duplicates_with_umi_declared(tmp):
    """The negative RNA BAM with every read flagged duplicate, declared ``umi RX`` without RX tags."""
    bam = tmp / "dup.bam"
    with pysam.AlignmentFile(str(EXAMPLE / "negative_rna.bam")) as fh, pysam.AlignmentFile(str(bam), "wb",
                                                                                           header=fh.header) as out:
        for read in fh.fetch(until_eof=True):
            read.is_duplicate = True
            out.write(read)
    pysam.index(str(bam))
    return ["run", str(bam), "--assay", "rna", "--tumour-content", "60", "--umi", "RX", "--out", str(tmp / "o")]


def _housekeeping_not_annotated(tmp):
    (tmp / "genes.tsv").write_text("gene\nNOTAGENE1\nNOTAGENE2\n")
    return _run_with_config(tmp, f"housekeeping_genes: {tmp / 'genes.tsv'}\n", "negative_rna", "rna")



def _check_with_config(tmp, text: str, sheet_arg=True):
    path = sheet(tmp, [f"S1\t{copy_bam(tmp)}\trna\t60"])
    (tmp / "c.yaml").write_text(f"samples: {path}\n" + text)
    return ["check-samples", *([str(path)] if sheet_arg else []), "--config", str(tmp / "c.yaml")]



def _reheadered(tmp, rename: Callable[[str], str]) -> list[str]:
    """The ETV6::NTRK3 example with its @SQ names changed by ``samtools reheader`` (the reads'
    SA tags keep the aligner's chr names), indexed."""
    header = pysam.view("-H", str(EXAMPLE / "etv6_ntrk3.bam"))
    lines = [line.replace(f"SN:{name}\t", f"SN:{rename(name)}\t") if line.startswith("@SQ") and
             (name := line.split("SN:")[1].split("\t")[0]) else line for line in header.splitlines()]  # fmt: skip
    (tmp / "h.sam").write_text("\n".join(lines) + "\n")
    bam = tmp / "re.bam"
    with open(bam, "wb") as out:
        subprocess.run(["samtools", "reheader", str(tmp / "h.sam"), str(EXAMPLE / "etv6_ntrk3.bam")], stdout=out,
                       check=True)  # fmt: skip
    pysam.index(str(bam))
    return ["run", str(bam), "--assay", "rna", "--tumour-content", "60", "--out", str(tmp / "o")]


def _refseq_name(name: str) -> str:
    from ntrkfusion.genome import REFSEQ_CHROMOSOMES

    accession = {v: k for k, v in REFSEQ_CHROMOSOMES.items() if k != "NC_001807"}.get(name)
    return f"{accession}.{1 if name == 'chrM' else 11}" if accession else name



def _corrupt_deep(tmp) -> Path:
    bam = copy_bam(tmp, to="S1")
    corrupt_ntrk3_block(bam, skip=1500)
    Path(str(bam) + ".bai").touch()
    return bam


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
    code = main(["run", str(copy_bam(tmp_path, "etv6_ntrk3", "P1")), "--assay", "rna", "--tumour-content", "60",
                 "--out", str(tmp_path / "o")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert ("no space left" if fault == "report_on_a_full_disk" else "was not written completely") in err, err
    assert "nothing of this sample was kept" in err
    assert sorted(p.name for p in (tmp_path / "o/P1").iterdir()) == []


@pytest.mark.workflow
def test_a_yaml_syntax_error_in_the_config_is_one_line_naming_line_and_column(one_sample):
    (one_sample / "config/config.yaml").write_text("samples: config/samples.tsv\nqc:\n  min_dna_depth: [1\n")
    out = snakemake(one_sample, "-n")
    assert out.returncode != 0
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert lines == ["ntrkfusion: error: config config/config.yaml line 4, column 1: not valid YAML "
                     "(expected ',' or ']', but got '<stream end>')"], out.stderr  # fmt: skip
