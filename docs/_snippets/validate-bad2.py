with open("bad2.json", encoding="utf-8") as fh:
    data = json.load(fh)

try:
    kejiservice.load(kejiservice.Enterprise, data)
except kejiservice.InvalidInput as exc:
    print(exc)
