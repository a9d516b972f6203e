"""Geometry of the server-rendered SVG charts: a stacked bar per row, each part as wide as its
share of the largest row, so rows compare at a glance and no JavaScript is needed."""

from __future__ import annotations


def stacked_bar(name: str, counts: dict[str, int], order: list[str], labels: dict, peak: int) -> dict:
    """The parts of one bar (percent of the chart's width, in `order`), and a text alternative
    naming every part in the page's language: "Sở Nội vụ: Hoàn thành đúng hạn 9, …"."""
    peak = max(peak, 1)
    x, parts = 0.0, []
    for key in order:
        n = counts.get(key, 0)
        if n:
            width = 100 * n / peak
            parts.append({"key": key, "n": n, "label": str(labels[key]), "x": round(x, 3), "width": round(width, 3)})
            x += width
    described = ", ".join(f"{labels[key]} {counts.get(key, 0)}" for key in order)
    return {"parts": parts, "end": round(x, 3), "label": f"{name}: {described}"}
