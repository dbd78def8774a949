import datetime as dt

ent = {"name": "甲公司", "registered_on": "2020-01-01", "industry": "M7320"}
calls = [
    lambda: kejiservice.evaluate("hnte", ent, dt.datetime(2025, 6, 30, 9, 0)),
    lambda: kejiservice.evaluate("hnte", ent, dt.date(2025, 6, 30), innovation_score="72"),
    lambda: kejiservice.evaluate("hnte", {**ent, "industry": "C99"}, dt.date(2025, 6, 30)),
    lambda: kejiservice.evaluate("gaoxin", ent, dt.date(2025, 6, 30)),
]
for call in calls:
    try:
        call()
    except kejiservice.KejiserviceError as exc:
        print(type(exc).__name__, "|", exc)
