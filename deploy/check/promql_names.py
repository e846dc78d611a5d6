"""Metric names in a PromQL expression (for the dashboard and rule checks).

Strips what is not a metric name — string literals, label matchers {...}, ranges [...],
grouping clauses by/without/on/ignoring/group_left/group_right (...), Grafana variables
($__rate_interval, $namespace), numbers — then keeps the identifiers that are neither a
function call nor a PromQL keyword or aggregation operator.
"""
import re

_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and",
    "or", "unless", "atan2", "inf", "nan",
    # aggregation operators (followed by a grouping clause or by "(")
    "sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk", "bottomk", "quantile",
    "count_values", "group",
}


def metric_names(expr):
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\$\{?\w+\}?", " ", text)
    names = set()
    for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", text):
        name, call = m.group(1), m.group(2)
        if call or name.lower() in _KEYWORDS:
            continue
        names.add(name)
    return names


def family(name, histograms):
    """The family a series name belongs to: x_bucket/_sum/_count -> x for histograms."""
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and name[: -len(suffix)] in histograms:
            return name[: -len(suffix)]
    return name
