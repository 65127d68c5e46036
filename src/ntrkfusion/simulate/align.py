"""Run the real aligners on the locus genome: STAR (RNA) and BWA-MEM (DNA).

Indexes are built once per locus genome and cached.  Both aligners run single-threaded
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
        package = {"STAR": "rna-star", "bwa": "bwa", "samtools": "samtools"}.get(tool, tool)
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


def bwa_index(fasta: Path) -> Path:
    if not Path(str(fasta) + ".bwt").is_file():
        _run([require("bwa"), "index", fasta], fasta.with_suffix(".bwa.log"))
    return fasta


def bwa_align(fasta: Path, r1: Path, r2: Path, out_dir: Path, sample: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    sam = out_dir / "aligned.sam"
    cmd = [require("bwa"), "mem", "-t", "1", "-K", "10000000", "-R", f"@RG\\tID:{sample}\\tSM:{sample}",
           fasta, r1, r2]  # fmt: skip
    with open(sam, "w") as out, open(out_dir / "align.log", "w") as log:
        done = subprocess.run(list(map(str, cmd)), stdout=out, stderr=log)
    if done.returncode != 0:
        raise UserError(f"bwa mem failed (exit {done.returncode}); see {out_dir / 'align.log'}")
    return sam
