"""The assays a sample can be (the sheet's ``assay`` column) and where UMIs are kept, named once.

rna    RNA-seq, whole transcriptome or a targeted RNA panel: breakpoints at exon boundaries.
dna    a targeted DNA panel of tumour tissue: genomic breakpoints, fusions inferred.
cfdna  a DNA panel of plasma cell-free DNA (liquid biopsy): as dna, counted in molecules (UMIs),
       with the thresholds of circulating-tumour-DNA assays (a few molecules at 0.5-5 % allele
       fraction; the tumour fraction is judged by detectability, not by a tissue minimum).
"""

RNA, DNA, CFDNA = "rna", "dna", "cfdna"
ASSAYS = (RNA, DNA, CFDNA)
HELP = "rna (RNA-seq), dna (DNA panel of tumour tissue) or cfdna (DNA panel of plasma cell-free DNA)"


def genomic(assay: str) -> bool:
    """Are breakpoints genomic (DNA), not exon joins (RNA)?"""
    return assay in (DNA, CFDNA)


# Where a library keeps its UMIs (config ``umi.source``, the sheet's ``umi`` column);
# ``calling/molecules.py`` reads them.
UMI_SOURCES = ("none", "RX", "read_name")
UMI_HELP = "where the reads keep UMIs: none, RX (the RX tag) or read_name (default: the config's umi.source)"
