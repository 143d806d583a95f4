"""The Python module against the CLI: every function returns what `tpeval ... --format json`
prints for the same input, and bad input raises tpeval.InputError carrying the JSON path.
Run by ctest with PYTHONPATH=build/python, TPEVAL_BINARY and TPEVAL_SOURCE_DIR set."""
import json
import os
import subprocess

import pandas as pd
import pytest

import tpeval

BINARY = os.environ["TPEVAL_BINARY"]
SOURCE = os.environ["TPEVAL_SOURCE_DIR"]


def cli_json(*args):
    out = subprocess.run([BINARY, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def source(*parts):
    return os.path.join(SOURCE, *parts)


@pytest.mark.parametrize("name", ["central_server", "mixed_bolch_8_6", "open_qsp_p113", "web_tier_open"])
def test_solve_equals_cli(name):
    path = source("examples", "networks", name + ".json")
    expected = cli_json("solve", path, "--format", "json")
    assert tpeval.solve(path) == expected
    with open(path, encoding="utf-8") as f:
        as_dict = json.load(f)
    assert tpeval.solve(as_dict) == expected


def test_solve_methods_equal_cli():
    path = source("examples", "networks", "central_server.json")
    for method in ("exact", "linearizer", "schweitzer"):
        assert tpeval.solve(path, method=method) == cli_json("solve", path, "--format", "json", "--method", method)


def test_solve_jmva_equals_cli():
    paths = [source("tests", "solver", "io", "jmva", name)
             for name in ("central_server.jmva", "load_dependent.jmva", "mixed_whatif.jmva")]
    for path in paths + [source("examples", "jmva", "central_server.jmva")]:
        assert tpeval.solve(path) == cli_json("solve", path, "--format", "json")


def test_default_model_equals_cli():
    assert tpeval.default_model() == cli_json("model", "--print-default")


def test_evaluate_equals_cli(tmp_path):
    assert tpeval.evaluate() == cli_json("eval", "--format", "json")
    model = tpeval.default_model()
    model["workload"]["arrival_rate_per_s"] = 150
    file = tmp_path / "model.json"
    file.write_text(json.dumps(model))
    expected = cli_json("eval", str(file), "--format", "json")
    assert tpeval.evaluate(model) == expected
    assert tpeval.evaluate(str(file)) == expected
    assert tpeval.evaluate(overrides={"workload.arrival_rate_per_s": 150}) == expected


def test_whatif_sweep_rows_are_evaluations():
    frame = tpeval.whatif(sweep={"workload.arrival_rate_per_s": [100, 200]})
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["workload.arrival_rate_per_s"]) == [100, 200]
    for i, rate in enumerate([100, 200]):
        expected = tpeval.evaluate(overrides={"workload.arrival_rate_per_s": rate})
        value = frame.loc[i, "throughput_per_s"]
        if expected["throughput_per_s"] is None:  # saturated: null in JSON, NaN in the frame
            assert pd.isna(value)
        else:
            assert value == expected["throughput_per_s"]
        assert frame.loc[i, "arrival_rate_per_s"] == rate
    # The CLI's sweep of the same points reports the same throughputs.
    cli = cli_json("whatif", "--sweep", "workload.arrival_rate_per_s=100:200:100", "--format", "json")
    # None where saturated (no steady state); pandas holds it as NaN.
    assert [row["throughput_per_s"] for row in cli] == [
        None if pd.isna(x) else x for x in frame["throughput_per_s"]]
    # The command-line spelling of a sweep gives the same frame.
    same = tpeval.whatif(sweep="workload.arrival_rate_per_s=100:200:100")
    pd.testing.assert_frame_equal(frame, same, check_dtype=False)


def test_whatif_two_parameter_grid_and_compare():
    frame = tpeval.whatif(sweep={"workload.arrival_rate_per_s": [100, 200],
                                 "nodes[0].buffer.pages": "1000:3000:2000"})
    assert len(frame) == 4
    assert list(frame["nodes[0].buffer.pages"]) == [1000, 3000, 1000, 3000]
    variants = tpeval.whatif(compare={"force": {"policies.update_strategy": "force"}})
    assert list(variants["variant"]) == ["base", "force"]
    force = tpeval.evaluate(overrides={"policies.update_strategy": "force"})
    assert variants.loc[1, "throughput_per_s"] == force["throughput_per_s"]


def test_input_errors_carry_the_json_path():
    network = {"stations": [{"name": "cpu"}],
               "classes": [{"name": "a", "population": -1, "demands_s": {"cpu": 1}}]}
    with pytest.raises(tpeval.InputError) as e:
        tpeval.solve(network)
    assert e.value.path == "classes[0].population"
    assert e.value.reason == "must be a non-negative integer"
    assert str(e.value) == "<dict>: classes[0].population: must be a non-negative integer"
    assert isinstance(e.value, ValueError)

    with pytest.raises(tpeval.InputError) as e:
        tpeval.evaluate(overrides={"workload.arival_rate_per_s": 1})
    assert e.value.path == "workload.arival_rate_per_s"
    assert "workload.arrival_rate_per_s" in e.value.reason  # the closest valid path

    with pytest.raises(tpeval.InputError) as e:
        tpeval.solve(source("no", "such", "file.json"))
    assert "cannot open file" in e.value.reason

    bad_jmva = source("tests", "python", "bad.jmva")
    with pytest.raises(tpeval.InputError) as e:
        tpeval.solve(bad_jmva)
    assert e.value.path == "/model/parameters/stations/prsstation"


def test_simulate_equals_cli():
    args = dict(seed=7, precision=0.2)
    expected = cli_json("simulate", "--seed", "7", "--precision", "0.2", "--format", "json")
    got = tpeval.simulate(**args)
    # Same seed, same run: everything equal but the wall-clock time.
    for doc in (got, expected):
        del doc["simulation"]["wall_time_s"]
    assert got == expected


def test_simulate_warm_start_equals_cli():
    expected = cli_json("simulate", "--seed", "7", "--precision", "0.2", "--warm-start",
                        "--format", "json")
    got = tpeval.simulate(seed=7, precision=0.2, warm_start=True)
    for doc in (got, expected):
        del doc["simulation"]["wall_time_s"]
    assert got == expected
    assert got["simulation"]["warmup_method"].startswith("buffers filled before the start")
