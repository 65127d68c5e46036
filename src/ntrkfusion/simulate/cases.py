"""Case specs: what to simulate, and what the pipeline is expected to say about it.

A case is a YAML mapping (see ``Case``); ``CATALOGUE`` holds the named cases the tests
use.  Exons use MANE numbering; DNA breakpoints are placed a fraction of the way through
the intron after ``exon5`` and the intron before ``exon3``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import yaml

from ..vocabulary import CFDNA, DNA, NTRK_GENES, RNA, Result
from ..errors import UserError

# Expressed in every RNA case: the genes the RNA QC reads (resources/curated/housekeeping_genes.tsv).
HOUSEKEEPING = ["GAPDH", "ACTB", "B2M", "PSMB2", "VCP", "CHMP2A", "RAB7A", "EMC7", "VPS29", "SNRPD3"]
# Every gene of the catalogue, so that all named cases share one locus genome (one index).
GENOME_GENES = sorted(
    {*NTRK_GENES, "ETV6", "TPM3", "TPM4", "LMNA", "TPR", "IRF2BP2", "QKI", "GPI", "PEAR1"}
    | set(HOUSEKEEPING)
)
# Default DNA panel: NTRK1/2/3 exons (+-20 bp) and the NTRK1 introns where breakpoints cluster.
PANEL_BAITED_INTRONS = {"NTRK1": [7, 8, 9, 10, 11]}
# A liquid-biopsy panel is small (its depth is high): the NTRK1 exons 7-12 with the introns
# between them, and the NTRK3 exons 14-16 (None: every exon of the gene).
CFDNA_BAITED_EXONS = {"NTRK1": range(7, 13), "NTRK3": range(14, 17)}
# NTRK weight among the expressed genes in neural tissue (brain, neuroblastoma): NTRK2 and NTRK3
# are among its abundant transcripts; 6 against the housekeeping genes' 10 (default 0.5: other tissues)
NEURAL_NTRK_EXPRESSION = 6.0
ALIGNERS = ("star", "hisat2", "bwa", "minimap2")
# RNA whole transcriptome | RNA anchored PCR | RNA long reads (one read per cDNA molecule) | DNA
LIBRARIES = ("total", "anchored_pcr", "long_read", "capture")
PLATFORMS = ("hifi", "ont")  # long reads: PacBio HiFi (Iso-Seq/Kinnex-like) | Oxford Nanopore cDNA


@dataclass
class Case:
    name: str
    assay: str = RNA  # rna | dna | cfdna
    seed: int = 1
    description: str = ""
    gene5: str | None = None  # None = no fusion
    exon5: int | None = None
    gene3: str | None = None
    exon3: int | None = None
    intron5_fraction: float = 0.5  # DNA only
    intron3_fraction: float = 0.5
    tumour_content: float | None = 60.0  # percent; None = not given in the sample sheet
    dv200: float | None = None
    fusion_expression: int = 60  # RNA: expected fusion-junction fragments at 100 % tumour
    readthrough: bool = False  # a normal-tissue read-through, present in every cell
    # RNA: instead of a fusion, a reverse-transcriptase template switch from inside exon5 to inside
    # exon3 where this many bases agree (microhomology): a library artefact, in every cell
    template_switch: int = 0
    background_pairs: int = 6000  # RNA: wild-type fragments
    depth: int = 350  # DNA: mean unique depth over the baits
    read_length: int = 100
    fragment_mean: float = 250
    fragment_sd: float = 50
    three_prime_bias: float = 0.0
    duplicate_rate: float = 0.03
    error_rate: float = 0.002
    star_mode: str = "chimeric"  # RNA: chimeric (WithinBAM) | plain (no chimeric detection)
    aligner: str | None = None  # star | hisat2 | bwa; None: STAR for RNA, BWA-MEM for DNA
    library: str | None = None  # total | anchored_pcr (RNA), capture (DNA); None: total / capture
    umi: str = "none"  # none | RX (the RX tag, written by bwa mem -C) | read_name (NAME_UMI)
    copies: float = 1.0  # UMI libraries: mean reads per molecule (PCR copies, 1 + Poisson)
    umi_error_rate: float = 0.0  # per copy: one UMI base miscalled
    # What every real library carries besides its molecules of interest (the background model's
    # test): RNA genomic DNA and unspliced pre-mRNA; DNA off-target fragments; chimeric
    # fragments in both (RT template switching, ligation).  Fractions of all fragments.
    genomic_background: float = 0.005  # RNA
    pre_mrna: float = 0.04  # RNA
    off_target: float = 0.02  # DNA
    chimera_rate: float = 0.003
    ntrk_expression: float = 0.5  # RNA: weight of each NTRK gene among the expressed genes (housekeeping: 10)
    poly_a: int = 0  # RNA: bases of poly(A) tail at the 3' end of every transcript (0: none, as after poly(A) trimming)
    # long reads (library long_read, aligner minimap2): the platform's error profile (long_reads.PROFILES),
    # and the fraction of molecules the reverse transcriptase left 5'-truncated
    platform: str = ""  # hifi | ont
    truncation: float = 0.3
    mapq_cap: int | None = None  # cap every MAPQ (and SA MAPQ), as some realigners do
    expected_result: str = Result.NEGATIVE
    expected_qc_flags: list[str] = field(default_factory=list)

    def __post_init__(self):
        problems = []
        if self.aligner_name not in ALIGNERS:
            problems.append(f"aligner {self.aligner!r} (one of {', '.join(ALIGNERS)})")
        if self.library_name not in LIBRARIES or (self.library_name == "capture") == (self.assay == RNA):
            problems.append(f"library {self.library!r} for assay {self.assay}")
        if self.umi not in ("none", "RX", "read_name") or (self.umi == "RX" and self.aligner_name != "bwa"):
            problems.append(f"umi {self.umi!r} (none, read_name, or RX with bwa, which copies FASTQ comments)")
        long = self.library_name == "long_read"  # needs minimap2, a platform, no PCR duplicates
        if (long != (self.aligner_name == "minimap2") or long != bool(self.platform) or self.platform not in ("", *PLATFORMS)
                or long and (self.duplicate_rate or not 0 <= self.truncation <= 1)):  # fmt: skip
            problems.append(f"long reads (library {self.library!r}, aligner {self.aligner!r}, platform {self.platform!r}; "
                            "long_read needs aligner minimap2, platform hifi or ont, duplicate_rate 0, truncation 0-1)")
        if problems:
            raise UserError(f"case {self.name}: unsupported " + "; ".join(problems))

    @property
    def has_fusion(self) -> bool:
        return self.gene5 is not None

    @property
    def aligner_name(self) -> str:
        return self.aligner or ("star" if self.assay == RNA else "bwa")

    @property
    def library_name(self) -> str:
        return self.library or ("total" if self.assay == RNA else "capture")

    def to_dict(self) -> dict:
        return asdict(self)


def load_case(path: Path) -> Case:
    try:
        spec = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as err:
        raise UserError(f"case spec {path}: cannot be read ({err})") from None
    known = {f.name for f in fields(Case)}
    unknown = sorted(set(spec or {}) - known)
    if not isinstance(spec, dict) or "name" not in spec or unknown:
        raise UserError(f"case spec {path}: needs a 'name'; unknown keys: {', '.join(unknown) or 'none'}")
    return Case(**spec)


def get_case(name_or_path: str) -> Case:
    if name_or_path in CATALOGUE:
        return CATALOGUE[name_or_path]
    if Path(name_or_path).is_file():
        return load_case(Path(name_or_path))
    raise UserError(f"case {name_or_path!r}: not a named case ({', '.join(CATALOGUE)}) nor a YAML file")


def _rna(name, description, **kw) -> Case:
    return Case(name=name, assay=RNA, description=description, **kw)


def _dna(name, description, assay=DNA, **kw) -> Case:
    defaults = dict(read_length=150, fragment_mean=300, fragment_sd=60, duplicate_rate=0.1, depth=350)
    # the default panel baits no NTRK2/NTRK3 intron: every DNA result lists them as untested
    kw["expected_qc_flags"] = sorted(set(kw.get("expected_qc_flags", [])) | {"UNTESTED_REGIONS"})
    return Case(name=name, assay=assay, description=description, **{**defaults, **kw})


def _cfdna(name, description, **kw) -> Case:
    """Plasma cell-free DNA: ~167 bp nucleosome fragments, UMIs, ~2.5 reads per molecule,
    ~1600x unique molecules; tumour_content is the tumour fraction (%)."""
    defaults = dict(read_length=100, fragment_mean=167, fragment_sd=15, duplicate_rate=0.0, depth=1600,
                    umi="RX", copies=2.5, umi_error_rate=0.02, off_target=0.01, chimera_rate=0.001)  # fmt: skip
    return _dna(name, description, assay=CFDNA, **{**defaults, **kw})


def _amp(name, description, **kw) -> Case:
    """Anchored multiplex PCR RNA panel (Archer FusionPlex-like): gene-specific primers in NTRK and
    control-gene exons, UMI in the adapter, many reads per molecule, aligned with BWA-MEM."""
    defaults = dict(library="anchored_pcr", aligner="bwa", umi="RX", copies=4.0, umi_error_rate=0.02,
                    read_length=100, fragment_mean=170, fragment_sd=40, duplicate_rate=0.0,
                    background_pairs=3000, fusion_expression=40, genomic_background=0.002, pre_mrna=0.0)  # fmt: skip
    return _rna(name, description, **{**defaults, **kw})


def _long(name, description, platform, **kw) -> Case:
    """Long-read RNA (PacBio HiFi or Oxford Nanopore cDNA): every read is one whole cDNA molecule
    (full length, or 5'-truncated), poly(A) tail included, aligned with minimap2 -ax splice(:hq).
    3,000 wild-type reads and 35 fusion molecules at 100 % tumour (21 at 60 %); no PCR duplicates."""
    defaults = dict(library="long_read", aligner="minimap2", platform=platform, background_pairs=3000,
                    fusion_expression=35, duplicate_rate=0.0, error_rate=0.0, poly_a=30, truncation=0.3)  # fmt: skip
    return _rna(name, description, **{**defaults, **kw})


_POS = dict(expected_result=Result.POSITIVE)
CATALOGUE = {
    c.name: c
    for c in [
        _rna("etv6_ntrk3", "ETV6 e5 -> NTRK3 e15, secretory carcinoma type", gene5="ETV6", exon5=5,
             gene3="NTRK3", exon3=15, seed=11, **_POS),
        _rna("etv6_ntrk3_nochim", "ETV6-NTRK3 aligned by STAR without chimeric detection", gene5="ETV6",
             exon5=5, gene3="NTRK3", exon3=15, seed=11, star_mode="plain", **_POS),
        _rna("tpm3_ntrk1", "TPM3 e8 -> NTRK1 e10, an inversion on chr1", gene5="TPM3", exon5=8,
             gene3="NTRK1", exon3=10, seed=12, **_POS),
        _rna("lmna_ntrk1", "LMNA e2 -> NTRK1 e11, a 0.7 Mb deletion", gene5="LMNA", exon5=2,
             gene3="NTRK1", exon3=11, seed=13, **_POS),
        _rna("lmna_ntrk1_nochim", "LMNA-NTRK1 without chimeric detection: a spliced 'intron'",
             gene5="LMNA", exon5=2, gene3="NTRK1", exon3=11, seed=13, star_mode="plain", **_POS),
        _rna("tpr_ntrk1", "TPR e21 -> NTRK1 e10", gene5="TPR", exon5=21, gene3="NTRK1", exon3=10, seed=14, **_POS),
        _rna("irf2bp2_ntrk1", "IRF2BP2 e1 -> NTRK1 e10", gene5="IRF2BP2", exon5=1, gene3="NTRK1", exon3=10,
             seed=15, **_POS),
        _rna("qki_ntrk2", "QKI e6 -> NTRK2 e14", gene5="QKI", exon5=6, gene3="NTRK2", exon3=14, seed=16, **_POS),
        _rna("novel_gpi_ntrk3", "GPI e10 -> NTRK3 e15: a partner never reported", gene5="GPI", exon5=10,
             gene3="NTRK3", exon3=15, seed=17, **_POS),
        _rna("out_of_frame", "ETV6 e5 -> NTRK3 e16: out of frame", gene5="ETV6", exon5=5, gene3="NTRK3",
             exon3=16, seed=18, expected_result=Result.INDETERMINATE),
        _rna("reciprocal_only", "NTRK3 e14 -> ETV6 e6 only: NTRK 5', kinase domain not kept", gene5="NTRK3",
             exon5=14, gene3="ETV6", exon3=6, seed=19, expected_result=Result.INDETERMINATE),
        _rna("negative_rna", "no fusion, good RNA", seed=20, dv200=75),
        _rna("negative_rna_no_tc", "no fusion, tumour content not given", seed=21, tumour_content=None,
             expected_result=Result.INDETERMINATE, expected_qc_flags=["LOW_TUMOUR_CONTENT"]),
        _rna("low_tc_10", "ETV6-NTRK3 at 10 % tumour content", gene5="ETV6", exon5=5, gene3="NTRK3",
             exon3=15, seed=22, tumour_content=10, expected_result=Result.POSITIVE,
             expected_qc_flags=["LOW_TUMOUR_CONTENT"]),
        _rna("low_tc_5", "ETV6-NTRK3 at 5 % tumour content: two molecules across the exact join", gene5="ETV6",
             exon5=5, gene3="NTRK3", exon3=15, seed=23, tumour_content=5, expected_result=Result.POSITIVE,
             expected_qc_flags=["LOW_TUMOUR_CONTENT"]),
        _rna("degraded_negative", "no fusion, degraded RNA (short fragments, 3' bias)", seed=24, dv200=15,
             fragment_mean=110, fragment_sd=30, three_prime_bias=400, expected_result=Result.INDETERMINATE,
             expected_qc_flags=["DEGRADED_RNA", "LOW_COVERAGE"]),
        _rna("degraded_negative_no_dv200", "the degraded library with no DV200 in the sheet: judged from its reads",
             seed=24, fragment_mean=110, fragment_sd=30, three_prime_bias=400, expected_result=Result.INDETERMINATE,
             expected_qc_flags=["DEGRADED_RNA", "LOW_COVERAGE"]),
        _rna("small_library_negative", "no fusion, a 2,000-pair library: too few reads to show a fusion at the LoD",
             seed=27, dv200=70, background_pairs=2000, expected_result=Result.INDETERMINATE,
             expected_qc_flags=["LOW_COVERAGE"]),
        _rna("template_switch_gapdh_ntrk1", "RT template switch GAPDH mid-exon 8 -> NTRK1 mid-exon 15 (kinase), "
             "4 bp microhomology, 4 molecules: Arriba's medium-confidence call", gene5="GAPDH", exon5=8,
             gene3="NTRK1", exon3=15, seed=26, template_switch=4, fusion_expression=4),
        _rna("readthrough_decoy", "NTRK1 e16 -> PEAR1 e2 read-through in normal cells", gene5="NTRK1",
             exon5=16, gene3="PEAR1", exon3=2, seed=25, readthrough=True, fusion_expression=20),
        _dna("dna_tpm3_ntrk1_20", "TPM3-NTRK1 genomic inversion, 20 % purity", gene5="TPM3", exon5=8,
             gene3="NTRK1", exon3=10, seed=31, tumour_content=20, **_POS),
        _dna("dna_lmna_ntrk1_10", "LMNA-NTRK1 genomic deletion, 10 % purity", gene5="LMNA", exon5=2,
             gene3="NTRK1", exon3=11, seed=32, tumour_content=10, expected_result=Result.POSITIVE,
             expected_qc_flags=["LOW_TUMOUR_CONTENT"]),  # UNTESTED_REGIONS added for every DNA case
        _dna("dna_unbaited_ntrk3", "ETV6-NTRK3 with the NTRK3 breakpoint deep in unbaited intron 14",
             gene5="ETV6", exon5=5, gene3="NTRK3", exon3=15, seed=33, tumour_content=60,
             intron5_fraction=0.5, intron3_fraction=0.5),
        _dna("negative_dna", "no rearrangement, 350x", seed=34, tumour_content=50),
        _rna("negative_rna_noisy", "no fusion; NTRK expressed as in brain, 1 % chimeric fragments, 1 % genomic DNA, "
             "6 % pre-mRNA", seed=26, dv200=70, background_pairs=20000, ntrk_expression=NEURAL_NTRK_EXPRESSION, chimera_rate=0.01,
             genomic_background=0.01, pre_mrna=0.06),
        _rna("negative_rna_neural_polya", "no fusion; NTRK expressed as in brain, 40-base poly(A) tails on every "
             "transcript (soft-clipped A/T runs at the last NTRK exons)", seed=27, dv200=75, background_pairs=20000,
             ntrk_expression=NEURAL_NTRK_EXPRESSION, poly_a=40),
        _dna("negative_dna_noisy", "no rearrangement, 500x, 5 % off-target, 1 % ligation chimeras", seed=35,
             tumour_content=40, depth=500, off_target=0.05, chimera_rate=0.01),
        _rna("etv6_ntrk3_hisat2", "ETV6-NTRK3 aligned by HISAT2: soft clips and discordant pairs", gene5="ETV6",
             exon5=5, gene3="NTRK3", exon3=15, seed=11, aligner="hisat2", **_POS),
        _rna("negative_rna_hisat2", "no fusion, good RNA, HISAT2", seed=20, dv200=75, aligner="hisat2"),
        _rna("etv6_ntrk3_bwa", "ETV6-NTRK3 in RNA aligned by BWA-MEM: splicing and fusion alike split reads",
             gene5="ETV6", exon5=5, gene3="NTRK3", exon3=15, seed=11, aligner="bwa", **_POS),
        _rna("negative_rna_bwa", "no fusion, good RNA, BWA-MEM", seed=20, dv200=75, aligner="bwa"),
        _amp("amp_etv6_ntrk3", "anchored-PCR panel, ETV6-NTRK3, UMIs in RX", gene5="ETV6", exon5=5,
             gene3="NTRK3", exon3=15, seed=41, **_POS),
        _amp("amp_tpm3_ntrk1_umi_in_name", "anchored-PCR panel, TPM3-NTRK1, UMIs at the end of read names",
             gene5="TPM3", exon5=8, gene3="NTRK1", exon3=10, seed=42, umi="read_name", **_POS),
        _amp("amp_negative", "anchored-PCR panel, no fusion", seed=43),
        _cfdna("cfdna_tpm3_ntrk1", "plasma cfDNA, TPM3-NTRK1 at 2 % tumour fraction (1 % allele fraction)",
               gene5="TPM3", exon5=8, gene3="NTRK1", exon3=10, seed=51, tumour_content=2, **_POS),
        _cfdna("cfdna_negative", "plasma cfDNA, no rearrangement, 10 % tumour fraction", seed=52,
               tumour_content=10),
        _cfdna("cfdna_negative_low_tf", "plasma cfDNA, no rearrangement, 0.3 % tumour fraction: not detectable",
               seed=53, tumour_content=0.3, expected_result=Result.INDETERMINATE, expected_qc_flags=["LOW_TUMOUR_CONTENT"]),
        _dna("dna_tpm3_ntrk1_lowmapq", "TPM3-NTRK1 in a BAM whose aligner caps MAPQ at 3", gene5="TPM3", exon5=8,
             gene3="NTRK1", exon3=10, seed=31, tumour_content=20, mapq_cap=3, expected_result=Result.INDETERMINATE,
             expected_qc_flags=["LOW_MAPPING_QUALITY"]),
        _long("lr_ont_etv6_ntrk3", "ONT cDNA long reads, ETV6 e5 -> NTRK3 e15: primary + hard-clipped supplementary",
              "ont", gene5="ETV6", exon5=5, gene3="NTRK3", exon3=15, seed=61, **_POS),
        _long("lr_hifi_tpm3_ntrk1", "PacBio HiFi long reads, TPM3 e8 -> NTRK1 e10 (inversion: parts on opposite "
              "strands)", "hifi", gene5="TPM3", exon5=8, gene3="NTRK1", exon3=10, seed=62, **_POS),
        _long("lr_ont_lmna_ntrk1", "ONT cDNA long reads, LMNA e2 -> NTRK1 e11, the 0.7 Mb deletion: longer than "
              "minimap2's longest intron (-G 200k), so split reads, no N gap", "ont", gene5="LMNA", exon5=2,
              gene3="NTRK1", exon3=11, seed=63, **_POS),
        _long("lr_hifi_novel_gpi_ntrk3", "PacBio HiFi long reads, GPI e10 -> NTRK3 e15: a partner never reported",
              "hifi", gene5="GPI", exon5=10, gene3="NTRK3", exon3=15, seed=64, **_POS),
        _long("lr_ont_negative_neural", "ONT cDNA long reads, no fusion; NTRK expressed as in brain, poly(A) tails "
              "soft-clipped at the last exons; 1,500 reads (NTRK2/NTRK3 reads cost minimap2 ~0.1 s each: introns of 100 kb)",
              "ont", seed=65, ntrk_expression=NEURAL_NTRK_EXPRESSION, background_pairs=1500),
        _long("lr_hifi_negative", "PacBio HiFi long reads, no fusion", "hifi", seed=66),
    ]
}  # fmt: skip
