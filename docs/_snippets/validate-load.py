import json

import kejiservice

with open("bad.json", encoding="utf-8") as fh:
    data = json.load(fh)

try:
    kejiservice.load(kejiservice.Enterprise, data)
except kejiservice.InvalidInput as exc:
    for problem in exc.problems:
        print(f"{problem.path:35} {problem.message}")
