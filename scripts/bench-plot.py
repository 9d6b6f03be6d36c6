#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Plot the ratios of a `make bench` CSV (scripts/bench.sh) as a bar chart."""

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def label(row):
    size = int(row["size"])
    name = row["name"]
    if "rtt" in name or "fence" in name:
        return f"{name}\n({size} round trips)"
    if name.startswith("gl-draws"):
        return f"{name}\n({size} draws)"
    if name.startswith("vk-copy"):
        return f"{name}\n({size} copies)"
    if name.startswith("revoke"):
        return f"{name}\n({size} revocations)"
    if name.startswith("fault-round-trips"):
        return f"{name}\n({size} MiB lent)"
    if size < 1 << 20:
        return f"{name}\n{size >> 10} KiB"
    return f"{name}\n{size >> 20} MiB"


def main(src, dst):
    with open(src, newline="") as f:
        rows = [r for r in csv.DictReader(f)]
    names = [label(r) for r in rows]
    ratios = [float(r["ratio"]) for r in rows]
    fig, ax = plt.subplots(figsize=(max(6, len(rows) * 1.1), 4))
    ax.bar(range(len(rows)), ratios, color="tab:blue")
    ax.axhline(1.0, color="black", linewidth=0.8)
    # Ratios span 0.2 to about 2000: a log scale keeps the small ones readable.
    ax.set_yscale("log")
    ax.set_xticks(range(len(rows)), names, fontsize=7, rotation=30, ha="right")
    ax.set_ylabel("xenlend time / baseline time (log)")
    ax.set_title("xenlend vs. same-run baselines (lower is better, 1 = equal)")
    for i, r in enumerate(ratios):
        ax.text(i, r, f"{r:.2f}", ha="center", va="bottom", fontsize=7)
    fig.tight_layout()
    fig.savefig(dst, dpi=120)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
