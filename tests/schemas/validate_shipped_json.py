#!/usr/bin/env python3
"""Keeps the shipped JSON Schemas (schemas/) honest with an independent validator (Debian's
python3-jsonschema, not tpeval's own parser): every example, study file and test data file names
its schema with "$schema", and validates against it; the default model and the examples the
binary prints validate too; and the model schema the binary embeds equals schemas/.

Usage: validate_shipped_json.py SOURCE_DIR TPEVAL_BINARY
Exit 0 when everything validates, 1 with one line per problem otherwise.
"""
import glob
import json
import os
import subprocess
import sys

import jsonschema


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    source, binary = sys.argv[1], sys.argv[2]
    schema_dir = os.path.join(source, "schemas")
    schemas = {}
    problems = []
    for path in sorted(glob.glob(os.path.join(schema_dir, "*.schema.json"))):
        schema = load(path)
        validator_class = jsonschema.validators.validator_for(schema)
        try:
            validator_class.check_schema(schema)
        except jsonschema.SchemaError as e:
            problems.append(f"{os.path.relpath(path, source)}: not a valid JSON Schema: {e.message}")
            continue
        schemas[os.path.realpath(path)] = validator_class(schema)
    if not schemas:
        problems.append("schemas/: no *.schema.json found")

    def check(name, document, schema_path):
        validator = schemas.get(os.path.realpath(schema_path))
        if validator is None:
            problems.append(f"{name}: $schema {schema_path} is not one of schemas/*.schema.json")
            return 0
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for e in errors:
            where = "/".join(str(p) for p in e.absolute_path) or "(root)"
            problems.append(f"{name}: {where}: {e.message}")
        return 1

    files = sorted(
        glob.glob(os.path.join(source, "examples", "**", "*.json"), recursive=True)
        + glob.glob(os.path.join(source, "studies", "*.json"))
        + glob.glob(os.path.join(source, "tests", "**", "jmva", "*.json"), recursive=True)
    )
    checked = 0
    for path in files:
        name = os.path.relpath(path, source)
        document = load(path)
        ref = document.get("$schema") if isinstance(document, dict) else None
        if not isinstance(ref, str):
            problems.append(f"{name}: does not name its schema with \"$schema\"")
            continue
        checked += check(name, document, os.path.join(os.path.dirname(path), ref))

    def printed(*args):
        out = subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout
        return json.loads(out)

    model_schema = os.path.join(schema_dir, "model.schema.json")
    network_schema = os.path.join(schema_dir, "network.schema.json")
    checked += check("tpeval model --print-default", printed("model", "--print-default"), model_schema)
    checked += check("tpeval solve --print-example", printed("solve", "--print-example"), network_schema)
    if printed("model", "--schema") != load(model_schema):
        problems.append("tpeval model --schema differs from schemas/model.schema.json")

    for p in problems:
        print(p)
    print(f"{checked} documents validated against {len(schemas)} schemas, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
