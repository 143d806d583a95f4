"""tpeval from Python: the analytic evaluator, the what-if machinery, the transaction simulator and
the queueing-network solver of the `tpeval` command, without shelling out.

Every function takes its input as a dict or as a file path (str or os.PathLike) and returns what
the CLI prints with ``--format json`` (as dicts), or a pandas DataFrame for sweeps:

    import tpeval
    tpeval.solve("examples/networks/central_server.json")          # == tpeval solve FILE --format json
    tpeval.solve("model.jmva")                                     # JMT JMVA files too
    tpeval.evaluate(overrides={"workload.arrival_rate_per_s": 300}) # == tpeval eval (default model)
    tpeval.whatif(sweep={"workload.arrival_rate_per_s": [100, 200, 300]})       # DataFrame
    tpeval.whatif(compare={"force": {"policies.update_strategy": "force"}})     # DataFrame
    tpeval.simulate(seed=3, precision=0.05)                         # == tpeval simulate --format json
    tpeval.default_model()                                          # the embedded Debit-Credit model

Bad input raises tpeval.InputError (a ValueError) with ``path`` (the JSON path or XPath, e.g.
"classes[1].population"), ``reason`` and ``source`` (the file, or "<dict>"), the same text the CLI
prints before exiting with code 2.
"""
import json
import math
import os

from . import _tpeval

InputError = _tpeval.InputError
InputError.path = property(lambda self: self.args[0])
InputError.reason = property(lambda self: self.args[1])
InputError.source = property(lambda self: self.args[2])


def _error_text(self):
    """"SOURCE: PATH: reason", as the CLI prints it."""
    return ": ".join(part for part in (self.args[2], self.args[0], self.args[1]) if part)


InputError.__str__ = _error_text

__all__ = ["solve", "evaluate", "whatif", "simulate", "default_model", "InputError"]


def _text(document, what):
    """(text, source) of a dict or a file path; None is the embedded default model."""
    if document is None:
        return "", "default model"
    if isinstance(document, (str, os.PathLike)):
        path = os.fspath(document)
        try:
            with open(path, encoding="utf-8") as f:
                return f.read(), path
        except OSError as e:
            raise InputError("", f"cannot open file ({e.strerror})", path) from None
    if isinstance(document, dict):
        return json.dumps(document), "<dict>"
    raise TypeError(f"{what} must be a dict or a file path, not {type(document).__name__}")


def _overrides(overrides):
    """[(path, value as JSON text)] from a dict {path: value} or an iterable of pairs."""
    if overrides is None:
        return []
    items = overrides.items() if isinstance(overrides, dict) else overrides
    return [(str(path), json.dumps(value)) for path, value in items]


def solve(network, method="auto"):
    """Solves a queueing network (dict in the network-file format, or a .json/.jmva path); returns
    the dict `tpeval solve --format json` prints (a JMVA what-if gives the sweep document)."""
    text, source = _text(network, "network")
    return json.loads(_tpeval.solve_json(text, source, method))


def evaluate(model=None, overrides=None):
    """Evaluates a transaction-system model analytically (None: the default Debit-Credit model),
    after setting each parameter path in `overrides` ({path: value}); returns the dict
    `tpeval eval --format json` prints."""
    text, source = _text(model, "model")
    return json.loads(_tpeval.evaluate_json(text, source, _overrides(overrides)))


def default_model():
    """The embedded default model (Debit-Credit, Rahm Tab. 6-6), as a dict."""
    return json.loads(_tpeval.default_model_json())


def _sweep_values(sweep):
    """[(path, [values])] from {path: values or "START:STOP:STEP"} or "PATH=START:STOP:STEP"."""
    if isinstance(sweep, str):
        return [_tpeval.parse_sweep(sweep)]
    out = []
    for path, values in sweep.items():
        if isinstance(values, str):
            out.append(_tpeval.parse_sweep(f"{path}={values}"))
        else:
            out.append((path, list(values)))
    return out


def _row(evaluation):
    """The scalar fields of an evaluation (nested objects flattened with '.', lists left out)."""
    row = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}{key}.", inner)
        elif not isinstance(value, list):
            row[prefix[:-1]] = value

    walk("", evaluation)
    return row


def whatif(model=None, sweep=None, compare=None, overrides=None):
    """Evaluates variants of a model and returns a pandas DataFrame, one row per variant, with the
    varied parameters first and then every scalar field of `tpeval eval --format json`
    (response_time_s is None where the system is saturated).

    sweep:   {path: values} (one or two paths: their grid), {path: "START:STOP:STEP"}, or
             "PATH=START:STOP:STEP" as on the command line.
    compare: {name: {path: value, ...}, ...} or [{path: value}, ...]; the base model comes first.
    overrides: {path: value} applied to every variant (like --set).
    """
    import pandas as pd

    if sweep is not None and compare is not None:
        raise ValueError("give sweep or compare, not both")
    text, source = _text(model, "model")
    base = _overrides(overrides)
    rows = []
    if sweep is not None:
        axes = _sweep_values(sweep)
        if not 1 <= len(axes) <= 2:
            raise ValueError("sweep one or two parameters")
        grid = [[(axes[0][0], v)] for v in axes[0][1]]
        if len(axes) == 2:
            grid = [g + [(axes[1][0], w)] for g in grid for w in axes[1][1]]
        for point in grid:
            result = json.loads(_tpeval.evaluate_json(text, source, base + _overrides(point)))
            rows.append({**dict(point), **_row(result)})
    else:
        variants = [("base", {})]
        if isinstance(compare, dict):
            variants += list(compare.items())
        elif compare is not None:
            variants += [(";".join(f"{p}={v}" for p, v in c.items()), c) for c in compare]
        for name, changes in variants:
            result = json.loads(_tpeval.evaluate_json(text, source, base + _overrides(changes)))
            rows.append({"variant": name, **_row(result)})
    return pd.DataFrame(rows)


def simulate(model=None, overrides=None, seed=1, precision=0.02, confidence=0.95, max_time_s=None,
             min_time_s=0.0, max_events=1_000_000_000, replications=1, jobs=0, warm_start=False):
    """Simulates a transaction-system model (TPSIM); returns the dict `tpeval simulate
    --format json` prints: every metric with mean and 95 % half-width. warm_start=True fills the
    buffers before the first arrival (`tpeval simulate --warm-start`)."""
    text, source = _text(model, "model")
    return json.loads(_tpeval.simulate_json(
        text, source, _overrides(overrides), int(seed), float(precision), float(confidence),
        math.inf if max_time_s is None else float(max_time_s), float(min_time_s), int(max_events),
        int(replications), int(jobs), bool(warm_start)))
