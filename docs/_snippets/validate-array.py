with open("two.json", encoding="utf-8") as fh:
    items = json.load(fh)

problems = []
for index, raw in enumerate(items):
    try:
        kejiservice.load(kejiservice.Enterprise, raw, path=f"$[{index}]")
    except kejiservice.InvalidInput as exc:
        problems.extend(exc.problems)
print([str(p) for p in problems])
