"""The inputs of the bad-input table (``test_bad_inputs.py``) and of its workflow tests, each built
from the bundled example BAMs (pysam, samtools) in a temporary folder: one builder per bad input a
lab could send, returning the command's arguments."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pysam

from ntrkfusion.cli import main

from .helpers import EXAMPLE

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
