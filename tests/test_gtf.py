"""`ntrkfusion build-annotation --gtf`: a lab's GTF gives the same tables as the bundled build."""

import pandas as pd

from ntrkfusion.annotation import load_annotation
from ntrkfusion.annotation.model import Annotation
from ntrkfusion.cli import main

GENES = ["NTRK1", "NTRK2", "NTRK3", "ETV6", "TPM3"]


def gtf_line(chrom, feature, start0, end, strand, attrs):
    text = " ".join(f'{k} "{v}";' for k, v in attrs)
    return f"{chrom}\tENSEMBL\t{feature}\t{start0 + 1}\t{end}\t.\t{strand}\t.\t{text}\n"


def write_gtf(path, ann, decoy=True):
    """An Ensembl-style GTF (bare contig names, versions apart) of the bundled models."""
    lines = []
    for gene in GENES:
        tx = ann.transcript(gene)
        chrom, strand = tx["chrom"][3:], tx["strand"]
        tx_id, version = tx["transcript_id"].split(".")
        base = [("gene_id", tx["gene_id"].split(".")[0]), ("gene_name", gene), ("gene_biotype", "protein_coding")]
        lines.append(gtf_line(chrom, "gene", tx["tx_start"], tx["tx_end"], strand, base))
        attrs = base + [("transcript_id", tx_id), ("transcript_version", version), ("tag", "basic"),
                        ("tag", "Ensembl_canonical"), ("tag", "MANE_Select")]  # fmt: skip
        # GTF CDS features exclude the stop codon, which has a stop_codon feature of its own
        cds_start, cds_end = int(tx["cds_start"]), int(tx["cds_end"])
        stop = (cds_end - 3, cds_end) if strand == "+" else (cds_start, cds_start + 3)
        cds_start, cds_end = (cds_start, cds_end - 3) if strand == "+" else (cds_start + 3, cds_end)
        lines.append(gtf_line(chrom, "stop_codon", *stop, strand, attrs))
        for exon in ann.exons(gene).itertuples():
            lines.append(gtf_line(chrom, "exon", exon.start, exon.end, strand, attrs))
            lo, hi = max(exon.start, cds_start), min(exon.end, cds_end)
            if hi > lo:
                lines.append(gtf_line(chrom, "CDS", lo, hi, strand, attrs))
        if decoy:  # a longer, untagged transcript that must not be chosen
            decoy_attrs = base + [("transcript_id", f"ENST9{gene}"), ("transcript_version", "1")]
            lines.append(gtf_line(chrom, "exon", tx["tx_start"] - 5000, tx["tx_end"] + 5000, strand, decoy_attrs))
            lines.append(gtf_line(chrom, "CDS", tx["tx_start"] - 4000, tx["tx_end"] + 4000, strand, decoy_attrs))
    path.write_text("#!genome-build GRCh38\n" + "".join(lines))
    return path


def test_gtf_build_matches_bundled_models(tmp_path, capsys):
    bundled = load_annotation("GRCh38")
    gtf = write_gtf(tmp_path / "lab.gtf", bundled)
    assert main(["build-annotation", "--gtf", str(gtf), "--build", "GRCh38-lab", "--out", str(tmp_path / "ann")]) == 0
    built = Annotation(tmp_path / "ann")
    assert built.build == "GRCh38-lab"
    for gene in GENES:
        ours = built.exons(gene).drop(columns=["transcript_id"])
        theirs = bundled.exons(gene).drop(columns=["transcript_id"])
        pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)
        assert built.transcript(gene)["transcript_id"] == bundled.transcript(gene)["transcript_id"]
    assert built.exon_join_in_frame("ETV6", 5, "NTRK3", 15) is True
    assert built.kinase_domain("NTRK1").start == bundled.kinase_domain("NTRK1").start


def test_gtf_without_ntrk_genes_is_refused(tmp_path, capsys):
    gtf = tmp_path / "bad.gtf"
    gtf.write_text(gtf_line("1", "exon", 100, 200, "+", [("gene_name", "X"), ("transcript_id", "T1")]))
    assert main(["build-annotation", "--gtf", str(gtf), "--build", "B", "--out", str(tmp_path / "o")]) == 1
    assert capsys.readouterr().err == (
        f"ntrkfusion: error: annotation_gtf {gtf}: no transcript for NTRK1, NTRK2, NTRK3\n"
    )


def test_missing_gtf(tmp_path, capsys):
    assert main(["build-annotation", "--gtf", str(tmp_path / "x.gtf"), "--build", "B", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"ntrkfusion: error: annotation_gtf {tmp_path / 'x.gtf'}: file not found\n"
