"""Genome builds: contig lengths, contig naming and detection from a BAM header.

The build is recognised from contig *lengths*, not names: GRCh38 and GRCh37
differ in the length of every primary chromosome, whatever the naming (``chr1``
or ``1``).  Lengths are those of the primary assembly (UCSC cytoBandIdeo ends;
GRC assembly reports).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UserError

# Primary-assembly lengths, chr-prefixed names (chrM as in UCSC; GRCh37's MT is rCRS, 16569).
GRCH38_LENGTHS = {
    "chr1": 248956422, "chr2": 242193529, "chr3": 198295559, "chr4": 190214555,
    "chr5": 181538259, "chr6": 170805979, "chr7": 159345973, "chr8": 145138636,
    "chr9": 138394717, "chr10": 133797422, "chr11": 135086622, "chr12": 133275309,
    "chr13": 114364328, "chr14": 107043718, "chr15": 101991189, "chr16": 90338345,
    "chr17": 83257441, "chr18": 80373285, "chr19": 58617616, "chr20": 64444167,
    "chr21": 46709983, "chr22": 50818468, "chrX": 156040895, "chrY": 57227415,
    "chrM": 16569,
}  # fmt: skip
GRCH37_LENGTHS = {
    "chr1": 249250621, "chr2": 243199373, "chr3": 198022430, "chr4": 191154276,
    "chr5": 180915260, "chr6": 171115067, "chr7": 159138663, "chr8": 146364022,
    "chr9": 141213431, "chr10": 135534747, "chr11": 135006516, "chr12": 133851895,
    "chr13": 115169878, "chr14": 107349540, "chr15": 102531392, "chr16": 90354753,
    "chr17": 81195210, "chr18": 78077248, "chr19": 59128983, "chr20": 63025520,
    "chr21": 48129895, "chr22": 51304566, "chrX": 155270560, "chrY": 59373566,
}  # fmt: skip

BUILD_LENGTHS = {"GRCh38": GRCH38_LENGTHS, "GRCh37": GRCH37_LENGTHS}
BUNDLED_BUILDS = tuple(BUILD_LENGTHS)

# The chromosomes that carry NTRK1, NTRK2 and NTRK3: a BAM without them cannot be analysed.
NTRK_CHROMOSOMES = ("chr1", "chr9", "chr15")


# RefSeq accessions of the primary chromosomes (NCBI's GRCh38/GRCh37 FASTA: NC_000001.11 is chr1 of
# GRCh38, NC_000001.10 of GRCh37; 23 is X, 24 is Y; the mitochondrion NC_012920, hg19's NC_001807):
# the version is ignored here, the build being recognised from the lengths (issue 21).
REFSEQ_CHROMOSOMES = {**{f"NC_{n:06d}": f"chr{n}" for n in range(1, 23)}, "NC_000023": "chrX", "NC_000024": "chrY",
                      "NC_012920": "chrM", "NC_001807": "chrM"}  # fmt: skip


def canonical_contig(name: str) -> str:
    """``1`` -> ``chr1``, ``MT`` -> ``chrM``, ``NC_000001.11`` -> ``chr1``; other names keep their
    form with a chr prefix."""
    accession = name.partition(".")[0]
    if accession in REFSEQ_CHROMOSOMES:
        return REFSEQ_CHROMOSOMES[accession]
    bare = name[3:] if name.lower().startswith("chr") else name
    if bare in ("M", "MT"):
        return "chrM"
    return "chr" + bare


@dataclass(frozen=True)
class ContigNames:
    """Translate between the annotation's chr-prefixed names and a BAM's own names."""

    bam_names: tuple[str, ...]

    def to_bam(self, canonical: str) -> str | None:
        """The BAM's name for a canonical (``chrN``) contig, or None if absent."""
        for name in self.bam_names:
            if canonical_contig(name) == canonical:
                return name
        return None

    @property
    def uses_chr_prefix(self) -> bool:
        return any(n.lower().startswith("chr") for n in self.bam_names)


@dataclass(frozen=True)
class BuildCall:
    """What a header says about the genome build."""

    build: str | None  # "GRCh38", "GRCh37" or None (not recognised)
    chr_prefix: bool
    matched: tuple[str, ...]  # canonical contigs whose length matched the build
    evidence: str  # one human sentence


def detect_build(header_lengths: dict[str, int]) -> BuildCall:
    """Recognise GRCh38 or GRCh37 from a header's contig lengths.

    A build is called when every primary chromosome present in the header has that
    build's length and the NTRK chromosomes (1, 9, 15) are among them.  Alt, decoy and
    unplaced contigs are ignored.  Anything else (another assembly, a mixture, a
    header without chr1/9/15) returns ``build=None`` with the evidence.
    """
    canonical = {canonical_contig(n): int(length) for n, length in header_lengths.items()}
    chr_prefix = any(n.lower().startswith("chr") for n in header_lengths)
    primary = {c: n for c, n in canonical.items() if c in GRCH38_LENGTHS and c != "chrM"}
    missing = [c for c in NTRK_CHROMOSOMES if c not in primary]
    if missing:
        return BuildCall(
            None, chr_prefix, (), f"header has no {'/'.join(missing)} (NTRK chromosomes)"
        )
    for build, lengths in BUILD_LENGTHS.items():
        if all(lengths.get(c) == n for c, n in primary.items()):
            return BuildCall(
                build,
                chr_prefix,
                tuple(sorted(primary, key=_contig_order)),
                f"{len(primary)} primary contig lengths match {build}",
            )
    return BuildCall(
        None, chr_prefix, (), f"chr1 length {primary['chr1']} matches neither GRCh38 nor GRCh37"
    )


def resolve_build(
    sample: str, header_lengths: dict[str, int], forced: str | None, custom_annotation: bool
) -> BuildCall:
    """The build to analyse a sample with, or a UserError saying what to supply.

    ``forced`` is config ``genome_build`` (None or "auto" = detect).  A forced bundled
    build that contradicts the header is an error (wrong genome build); a forced
    build name outside the bundled ones needs a custom annotation (``annotation_gtf``).
    """
    call = detect_build(header_lengths)
    if forced in (None, "", "auto"):
        if call.build is None:
            raise UserError(
                f"sample {sample}: genome build not recognised ({call.evidence}); "
                "ntrkfusion bundles GRCh38 and GRCh37 - for another assembly set "
                "genome_build and annotation_gtf in the config"
            )
        return call
    if forced in BUILD_LENGTHS:
        if call.build is not None and call.build != forced:
            raise UserError(
                f"sample {sample}: BAM header is {call.build} ({call.evidence}) but config "
                f"genome_build is {forced}; align to {forced} or change genome_build"
            )
        if call.build is None and "chr1" not in {canonical_contig(n) for n in header_lengths}:
            raise UserError(f"sample {sample}: BAM header has no chr1/9/15 contigs ({call.evidence})")
        return BuildCall(forced, call.chr_prefix, call.matched, f"forced by config ({call.evidence})")
    if not custom_annotation:
        raise UserError(
            f"sample {sample}: genome_build {forced} has no bundled annotation; "
            "set annotation_gtf to a GENCODE or Ensembl GTF of that assembly"
        )
    return BuildCall(forced, call.chr_prefix, (), "forced by config with a custom annotation")


def _contig_order(canonical: str) -> tuple[int, str]:
    bare = canonical[3:]
    return (int(bare), "") if bare.isdigit() else (100, bare)
