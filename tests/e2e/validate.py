"""Validate report.json files against reports/schema.json (Debian's python3-jsonschema).

usage: validate.py SCHEMA REPORT...   exit 0 when every report is valid; prints the
first error of each invalid one.
"""
import json
import sys

from jsonschema import Draft202012Validator


def main(argv):
    schema = json.load(open(argv[1]))
    Draft202012Validator.check_schema(schema)
    v = Draft202012Validator(schema)
    bad = 0
    for path in argv[2:]:
        errs = sorted(v.iter_errors(json.load(open(path))), key=lambda e: list(e.path))
        if errs:
            bad += 1
            e = errs[0]
            print("%s: %s: %s" % (path, "/".join(str(p) for p in e.path), e.message))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
