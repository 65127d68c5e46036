"""Run the real aligners on the locus genome: STAR and HISAT2 (RNA), BWA-MEM (DNA and RNA panels),
minimap2 (long-read RNA).

Indexes are built once per locus genome and cached.  Every aligner runs single-threaded
so that the same reads always give the same records in the same order.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ..errors import UserError

# Arriba's recommended STAR settings (chimeric alignments inside the BAM).
STAR_CHIMERIC = (
    "--outSAMstrandField intronMotif --outFilterMultimapNmax 50 --peOverlapNbasesMin 10 "
    "--alignSplicedMateMapLminOverLmate 0.5 --alignSJstitchMismatchNmax 5 -1 5 5 "
    "--chimSegmentMin 10 --chimOutType WithinBAM HardClip --chimJunctionOverhangMin 10 "
    "--chimScoreDropMax 30 --chimScoreJunctionNonGTAG 0 --chimScoreSeparation 1 "
    "--chimSegmentReadGapMax 3 --chimMultimapNmax 50"
).split()
# ENCODE long-RNA settings, without chimeric detection: a deletion up to 1 Mb may be
# aligned as an intron (LMNA-NTRK1), other fusions leave only soft clips.
STAR_PLAIN = (
    "--outFilterType BySJout --outSAMstrandField intronMotif --outFilterMultimapNmax 20 "
    "--alignSJoverhangMin 8 --alignSJDBoverhangMin 1 --outFilterMismatchNmax 999 "
    "--outFilterMismatchNoverReadLmax 0.04 --alignIntronMin 20 --alignIntronMax 1000000 "
    "--alignMatesGapMax 1000000"
).split()
STAR_MODES = {"chimeric": STAR_CHIMERIC, "plain": STAR_PLAIN}


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        package = {"STAR": "rna-star", "bwa": "bwa", "samtools": "samtools", "hisat2-build": "hisat2"}.get(tool, tool)
        raise UserError(f"{tool} not found on PATH; install it (Debian: apt-get install {package})")
    return path


def _run(cmd: list[str], log: Path, cwd: Path | None = None) -> None:
    with open(log, "a") as fh:
        fh.write("$ " + " ".join(map(str, cmd)) + "\n")
        fh.flush()
        done = subprocess.run(list(map(str, cmd)), stdout=fh, stderr=subprocess.STDOUT, cwd=cwd)
    if done.returncode != 0:
        raise UserError(f"{Path(cmd[0]).name} failed (exit {done.returncode}); see {log}")


def star_index(fasta: Path, gtf: Path, index_dir: Path, genome_length: int, read_length: int) -> Path:
    if (index_dir / "SA").is_file():
        return index_dir
    tmp = index_dir.with_name(index_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    sa_bases = min(14, max(4, int(genome_length.bit_length() / 2 - 1)))
    _run([require("STAR"), "--runMode", "genomeGenerate", "--runThreadN", "1", "--genomeDir", tmp,
          "--genomeFastaFiles", fasta, "--sjdbGTFfile", gtf, "--sjdbOverhang", read_length - 1,
          "--genomeSAindexNbases", sa_bases, "--outFileNamePrefix", f"{tmp}/"],  # fmt: skip
         tmp / "index.log", cwd=tmp)  # fmt: skip
    os.replace(tmp, index_dir)
    return index_dir


def star_align(index_dir: Path, r1: Path, r2: Path, out_dir: Path, mode: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    _run([require("STAR"), "--runThreadN", "1", "--genomeDir", index_dir, "--readFilesIn", r1, r2,
          "--outSAMtype", "BAM", "Unsorted", "--outSAMunmapped", "Within",
          "--outSAMattributes", "NH", "HI", "AS", "nM", "NM", "--outFileNamePrefix", f"{out_dir}/",
          *STAR_MODES[mode]],  # fmt: skip
         out_dir / "align.log", cwd=out_dir)  # fmt: skip
    return out_dir / "Aligned.out.bam"


def _gtf_exons(gtf: Path) -> dict[tuple[str, str, str], list[tuple[int, int]]]:
    """(contig, transcript, strand) -> sorted exons, 0-based first and last base, from the locus GTF."""
    exons: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for line in Path(gtf).read_text().splitlines():
        f = line.split("\t")
        transcript = f[8].split('transcript_id "')[1].split('"')[0]
        exons.setdefault((f[0], transcript, f[6]), []).append((int(f[3]) - 1, int(f[4]) - 1))
    return {key: sorted(spans) for key, spans in exons.items()}


def splice_sites(gtf: Path, out: Path) -> Path:
    """HISAT2's known splice sites (as hisat2_extract_splice_sites.py writes them: contig, last
    base of the exon and first base of the next, 0-based, strand) from the locus GTF."""
    sites = set()
    for (chrom, _, strand), spans in _gtf_exons(gtf).items():
        sites |= {(chrom, a[1], b[0], strand) for a, b in zip(spans, spans[1:])}
    out.write_text("".join(f"{c}\t{a}\t{b}\t{s}\n" for c, a, b, s in sorted(sites)))
    return out


def hisat2_index(fasta: Path, index_dir: Path) -> Path:
    prefix = index_dir / "locus"
    if not Path(f"{prefix}.1.ht2").is_file():
        tmp = index_dir.with_name(index_dir.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        _run([require("hisat2-build"), "-p", "1", "--seed", "1", fasta, tmp / "locus"], tmp / "index.log")
        os.replace(tmp, index_dir)
    return prefix


def hisat2_align(prefix: Path, sites: Path, r1: Path, r2: Path, out_dir: Path, sample: str) -> Path:
    """HISAT2 with its defaults (soft clipping allowed, introns up to 500 kb) and the annotated
    splice sites, as an RNA-seq pipeline runs it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sam = out_dir / "aligned.sam"
    _run([require("hisat2"), "-p", "1", "--seed", "1", "--reorder", "-x", prefix, "--known-splicesite-infile",
          sites, "--rg-id", sample, "--rg", f"SM:{sample}", "-1", r1, "-2", r2, "-S", sam],  # fmt: skip
         out_dir / "align.log")  # fmt: skip
    return sam


def bwa_index(fasta: Path) -> Path:
    if not Path(str(fasta) + ".bwt").is_file():
        _run([require("bwa"), "index", fasta], fasta.with_suffix(".bwa.log"))
    return fasta


def bwa_align(fasta: Path, r1: Path, r2: Path, out_dir: Path, sample: str, comments: bool = False) -> Path:
    """``comments``: copy FASTQ comments (``RX:Z:<umi>``) into the records (``-C``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sam = out_dir / "aligned.sam"
    cmd = [require("bwa"), "mem", "-t", "1", "-K", "10000000", *(["-C"] if comments else []), "-R",
           f"@RG\\tID:{sample}\\tSM:{sample}", fasta, r1, r2]  # fmt: skip
    with open(sam, "w") as out, open(out_dir / "align.log", "w") as log:
        done = subprocess.run(list(map(str, cmd)), stdout=out, stderr=log)
    if done.returncode != 0:
        raise UserError(f"bwa mem failed (exit {done.returncode}); see {out_dir / 'align.log'}")
    return sam


def junction_bed(gtf: Path, out: Path) -> Path:
    """minimap2's annotated junctions (--junc-bed): one 12-column BED line per transcript, its exons
    as blocks, as ``paftools.js gff2bed`` writes it (minimap2 takes the introns between blocks)."""
    lines = []
    for (chrom, transcript, strand), spans in sorted(_gtf_exons(gtf).items()):
        start, end = spans[0][0], spans[-1][1] + 1
        sizes = ",".join(str(b - a + 1) for a, b in spans)
        offsets = ",".join(str(a - start) for a, _ in spans)
        lines.append(f"{chrom}\t{start}\t{end}\t{transcript}\t1000\t{strand}\t{start}\t{end}\t0\t{len(spans)}\t"
                     f"{sizes},\t{offsets},\n")  # fmt: skip
    out.write_text("".join(lines))
    return out


def minimap2_accepts(option: str, value: Path) -> bool:
    """Does the installed minimap2 take ``option value``?  Its usage text does not list every long
    option (2.24 omits --junc-bed), so ask it: an unknown option fails before --version is printed."""
    done = subprocess.run([require("minimap2"), option, str(value), "--version"], capture_output=True, text=True)
    return done.returncode == 0


def minimap2_align(fasta: Path, fastq: Path, out_dir: Path, sample: str, preset: str,
                   junctions: Path | None = None) -> Path:  # fmt: skip
    """minimap2 ``-ax splice`` (ONT cDNA) or ``-ax splice:hq`` (HiFi) with its defaults otherwise, as a
    long-read RNA pipeline runs it: introns up to 200 kb (-G), supplementary alignments hard-clipped
    (no -Y), secondary alignments kept (-N 5), no MD tags; one thread, so the records are always the
    same.  The index is built from the FASTA on the fly (a few seconds for the locus genome)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sam = out_dir / "aligned.sam"
    cmd = [require("minimap2"), "-ax", preset, "-t", "1", "-R", f"@RG\\tID:{sample}\\tSM:{sample}",
           *(["--junc-bed", junctions] if junctions else []), fasta, fastq]  # fmt: skip
    with open(sam, "w") as out, open(out_dir / "align.log", "w") as log:
        done = subprocess.run(list(map(str, cmd)), stdout=out, stderr=log)
    if done.returncode != 0:
        raise UserError(f"minimap2 failed (exit {done.returncode}); see {out_dir / 'align.log'}")
    return sam
