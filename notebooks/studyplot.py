"""Shared helpers for the notebooks that draw the figures of Rahm 1993, Sect. 6.5 and 7.6.

The notebooks read the results written by `tpeval study` (results.csv and results.json, format in
docs/studies.md). Two environment variables make them testable without touching the tree:

* TPEVAL_RESULTS_DIR  directory holding <study>/results.csv (default: ../studies/results)
* TPEVAL_FIGURES_DIR  where the PNGs go (default: this directory, next to the notebooks)

Analytic values are drawn as lines; simulated means (columns <metric>_sim with 95 % half-widths
<metric>_sim_hw) as points with error bars when the study was run with --mode both; saturation
limits (max_throughput_per_s) as dotted vertical lines with a marker on the x axis.
"""
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else os.getcwd()
RESULTS_DIR = os.environ.get("TPEVAL_RESULTS_DIR", os.path.join(HERE, "..", "studies", "results"))
FIGURES_DIR = os.environ.get("TPEVAL_FIGURES_DIR", HERE)


def load(study):
    """The results of one study: (DataFrame of points, dict from results.json)."""
    base = os.path.join(RESULTS_DIR, study)
    frame = pd.read_csv(os.path.join(base, "results.csv"))
    with open(os.path.join(base, "results.json"), encoding="utf-8") as f:
        meta = json.load(f)
    return frame, meta


def labels(meta):
    return {c["name"]: c["label"] for c in meta["configurations"]}


# Distinct markers and dash patterns, so that curves lying on top of each other stay visible.
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]
DASHES = ["-", "--", "-.", ":"]


def plot_curves(ax, frame, meta, x, y, configurations, where=None, mark_saturation=False,
                styles=None, suffix=""):
    """One curve per configuration: analytic line, simulated points with 95 % error bars.

    Each configuration gets its own marker (hollow, so coinciding curves show both markers) and
    the legend, placed outside the axes so that it never covers data, says which is which.
    `suffix` is appended to the legend labels (several metrics on one axes). Points the simulator
    did not run (e.g. a multi-node model before the multi-node simulator) have no _sim values and
    are simply not drawn.
    """

    names = labels(meta)
    where = where or {}
    simulated = False
    for i, conf in enumerate(configurations):
        d = frame[frame["configuration"] == conf]
        for col, value in where.items():
            d = d[d[col] == value]
        if d.empty:
            continue
        d = d.sort_values(x)
        style = {"marker": MARKERS[i % len(MARKERS)], "markersize": 5, "markerfacecolor": "none"}
        style.update((styles or {}).get(conf, {}))
        line, = ax.plot(d[x], d[y], label=names.get(conf, conf) + suffix, **style)
        sim = y + "_sim"
        if sim in d.columns and d[sim].notna().any():
            simulated = True
            ax.errorbar(d[x], d[sim], yerr=d[y + "_sim_hw"], fmt=MARKERS[i % len(MARKERS)],
                        ms=4, capsize=2, color=line.get_color(), alpha=0.8)
        if mark_saturation and "max_throughput_per_s" in d.columns:
            limit = d["max_throughput_per_s"].dropna()
            if not limit.empty and limit.iloc[0] <= d[x].max():
                ax.axvline(limit.iloc[0], color=line.get_color(), ls=":", lw=1)
                ax.plot([limit.iloc[0]], [0], marker="v", color=line.get_color(), ms=8,
                        transform=ax.get_xaxis_transform(), clip_on=False)
    ax.grid(True, alpha=0.3)
    # Remembered on the axes, so that later calls (more curves, book values) keep the key.
    ax._tpeval_simulated = getattr(ax, "_tpeval_simulated", False) or simulated
    ax._tpeval_saturation = getattr(ax, "_tpeval_saturation", False) or mark_saturation
    legend(ax)


def legend(ax):
    """The legend outside the axes: the curves, then the key (lines analytic, points simulated)."""
    from matplotlib.lines import Line2D

    handles, texts = ax.get_legend_handles_labels()
    handles.append(Line2D([], [], color="grey", ls="-"))
    texts.append("lines: analytic")
    if getattr(ax, "_tpeval_simulated", False):
        handles.append(Line2D([], [], color="grey", ls="none", marker="o"))
        texts.append("points with bars: simulated (95 %)")
    if getattr(ax, "_tpeval_saturation", False):
        handles.append(Line2D([], [], color="grey", ls=":"))
        texts.append("dotted: throughput limit")
    ax.legend(handles, texts, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              borderaxespad=0.0)


def book_points(ax, xs, ys, label, marker="x"):
    """Values the book states in its text (not read off a figure), drawn as black crosses."""
    ax.plot(xs, ys, ls="none", marker=marker, ms=9, mew=2, color="black", label=label)
    legend(ax)


def save(fig, name):
    os.makedirs(FIGURES_DIR, exist_ok=True)
    path = os.path.join(FIGURES_DIR, name)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    print("wrote", path)
    return path


def expectations(meta):
    """The expectation outcomes as a DataFrame (id, verdict, measured)."""
    rows = [{"id": e["id"], "statement": e["statement"], "analytic": e["analytic"]["verdict"],
             "measured": e["analytic"]["measured"]} for e in meta["expectations"]]
    return pd.DataFrame(rows)
