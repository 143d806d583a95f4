#!/usr/bin/env python3
"""The two scaling models of issue #16's "10^4 transaction types or partitions in <= 1 s".

  bench/scaling_models.py TPEVAL OUT_DIR [TYPES] [PARTITIONS]

writes OUT_DIR/dc-types-TYPES.json (the Debit-Credit default, Tab. 6-6, reduced to its BRANCH
and ACCOUNT partitions, with its one type repeated TYPES times at equal mix),
OUT_DIR/rl-types-TYPES.json (the real-load example, Tab. 6-5, its 12 types repeated to TYPES
types, same mix per copy) and OUT_DIR/parts-PARTITIONS.json (the real load with its 13
partitions split into PARTITIONS copies that share the records, every type referencing every
copy; with more than 1,666 partitions only its first 2 types, so that types x partitions stays
within model/input_limits.hpp's 20,000), the files bench/RESULTS.md and bench/run_scaling.sh
measure.
"""
import copy
import json
import os
import subprocess
import sys

tpeval, out = sys.argv[1], sys.argv[2]
n_types = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
n_parts = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
source_dir = os.path.dirname(os.path.abspath(__file__)) + "/.."

default = json.loads(subprocess.run([tpeval, "model", "--print-default"], check=True,
                                    capture_output=True, text=True).stdout)
doc = copy.deepcopy(default)
doc["database"]["partitions"] = [p for p in doc["database"]["partitions"]
                                 if p["name"] in ("BRANCH", "ACCOUNT")]
base_type = doc["workload"]["transaction_types"][0]
base_type["reference_shares"] = {"BRANCH": 0.5, "ACCOUNT": 0.5}
doc["workload"]["transaction_types"] = [
    dict(copy.deepcopy(base_type), name=f"T{k}", mix=1.0 / n_types) for k in range(n_types)]
json.dump(doc, open(f"{out}/dc-types-{n_types}.json", "w"))

base = json.load(open(f"{source_dir}/examples/models/real_load.json"))
doc = copy.deepcopy(base)
types = doc["workload"]["transaction_types"]
doc["workload"]["transaction_types"] = [
    dict(copy.deepcopy(types[k % len(types)]), name=f"T{k}") for k in range(n_types)]
json.dump(doc, open(f"{out}/rl-types-{n_types}.json", "w"))

doc = copy.deepcopy(base)
parts = doc["database"]["partitions"]
split = []
for k in range(n_parts):
    p = copy.deepcopy(parts[k % len(parts)])
    p.update(name=f"Q{k}", clustered_with=None,
             records=max(1.0, p["records"] * len(parts) / n_parts))
    split.append(p)
doc["database"]["partitions"] = split
if n_parts > 1666:
    doc["workload"]["transaction_types"] = doc["workload"]["transaction_types"][:2]
for t in doc["workload"]["transaction_types"]:
    t["reference_shares"] = {f"Q{k}": 1.0 + k % 5 for k in range(n_parts)}
    t.pop("update_shares", None)
json.dump(doc, open(f"{out}/parts-{n_parts}.json", "w"))
