"""Plots for the sample report, drawn with matplotlib as inline SVG (no network, deterministic)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator  # noqa: E402

from ..vocabulary import NTRK_GENES
from ..qc.flags import FAIL, PASS, WARN  # noqa: E402

plt.rcParams.update({"svg.hashsalt": "ntrkfusion", "svg.fonttype": "none", "font.size": 9})


def _svg(fig, plot_id: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    svg = text[text.index("<svg") :]
    return svg.replace("<svg ", f'<svg id="{plot_id}" class="plot" ', 1)


MAX_EXON_LABELS = 12  # exon numbers shown under one gene's bars before every other one is left out


def exon_coverage(metrics: dict) -> str | None:
    """Mean unique depth per NTRK exon; the kinase-domain exons in red."""
    depths = metrics.get("ntrk_exon_depth") or {}
    if not depths:
        return None
    fig, axes = plt.subplots(1, 3, figsize=(10, 2.4), sharey=False)
    for ax, gene in zip(axes, NTRK_GENES):
        rows = depths.get(gene, [])
        first = (metrics.get("ntrk_first_kinase_exon") or {}).get(gene, 10**9)
        numbers, values = [n for n, _ in rows], [d for _, d in rows]
        ax.bar(range(len(rows)), values, color=["#c0392b" if n >= first else "#2e86c1" for n in numbers])
        step = -(-len(rows) // MAX_EXON_LABELS) if rows else 1  # every step-th exon labelled: no overlap
        ax.set_xticks(range(0, len(rows), step), [str(n) for n in numbers[::step]])
        ax.set_title(f"{gene} (red: kinase domain exons)", fontsize=9)
        ax.set_xlabel("exon")
        ax.tick_params(axis="x", labelsize=7)
        if not any(values):  # no read: an axis from 0, and the fact in words
            ax.set_ylim(0, 1)
            ax.text(0.5, 0.5, "no reads", transform=ax.transAxes, ha="center", va="center", color="#555")
    axes[0].set_ylabel("mean unique depth")
    return _svg(fig, "coverage-plot")


def _times(ax) -> None:
    """A log axis labelled in plain numbers with a times sign (0.5×, 1×, 2×, 10×), never 2×10⁰."""
    ax.xaxis.set_major_locator(FixedLocator([0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}×"))
    ax.xaxis.set_minor_locator(NullLocator())


def imbalance(metrics: dict, threshold: float) -> str | None:
    """NTRK 3'/5' exon depth ratio per gene against the threshold (RNA)."""
    ratios = [metrics.get(f"{g}_3to5_ratio") for g in NTRK_GENES]
    if any(r is None for r in ratios):
        return None
    fig, ax = plt.subplots(figsize=(4, 2.2))
    ax.barh(list(NTRK_GENES), ratios, color=["#c0392b" if r >= threshold else "#7f8c8d" for r in ratios])
    ax.axvline(threshold, color="#000", linestyle="--", linewidth=1)
    ax.set_xlabel(f"3′/5′ exon depth ratio (dashed: {threshold:g}×)")
    ax.set_xscale("log")
    _times(ax)
    return _svg(fig, "imbalance-plot")


def fragment_lengths(metrics: dict, minimum: float) -> str | None:
    """Transcript-space fragment-length histogram (RNA) with the minimum median."""
    counts = metrics.get("fragment_length_histogram") or []
    if not counts or not sum(counts):
        return None
    fig, ax = plt.subplots(figsize=(4, 2.2))
    ax.bar([10 * i + 5 for i in range(len(counts))], counts, width=10, color="#2e86c1")
    ax.axvline(minimum, color="#c0392b", linestyle="--", linewidth=1)
    if metrics.get("median_fragment_length") is not None:
        ax.axvline(metrics["median_fragment_length"], color="#000", linewidth=1)
    ax.set_xlabel(f"fragment length, bp (black: median; red: {minimum:g} bp minimum)")
    ax.set_ylabel("fragments")
    return _svg(fig, "fragment-plot")


STATUS_COLOURS = {FAIL: "#c0392b", WARN: "#d68910", PASS: "#27ae60"}
HEADROOM = (0.1, 10.0)  # the plot's range of value/threshold, on the passing side (log)


def headroom(check: dict) -> float:
    """How far a metric is from its threshold, on the side where it passes: value / threshold
    for a minimum, threshold / value for a maximum (1 = at the threshold, more = further inside),
    kept within ``HEADROOM`` so that a 0 still draws a bar."""
    ratio = check["ratio"]
    if check.get("upper"):
        ratio = HEADROOM[1] if ratio == 0 else 1 / ratio
    return min(max(ratio, 1.2 * HEADROOM[0]), HEADROOM[1])  # a bar, however short


def against_thresholds(checks: list[dict]) -> str | None:
    """Each thresholded metric (``SampleResult.checks``) against its threshold, every one on the
    same scale: right of the dashed line passes, left of it fails."""
    rows = [c for c in checks if c.get("ratio") is not None and c["status"] in STATUS_COLOURS]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(5, 0.35 * len(rows) + 0.8))
    values = [headroom(r) for r in rows]
    ax.barh([f"{r['label']} ({r['shown']})" for r in rows], [v - HEADROOM[0] for v in values], left=HEADROOM[0],
            color=[STATUS_COLOURS[r["status"]] for r in rows])  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlim(*HEADROOM)
    _times(ax)
    ax.axvline(1.0, color="#000", linestyle="--", linewidth=1)
    ax.set_xlabel("margin to the threshold (dashed); right passes, left fails")
    ax.invert_yaxis()
    return _svg(fig, "threshold-plot")
