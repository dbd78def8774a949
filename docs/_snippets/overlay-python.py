import datetime as dt
import json

import kejiservice
from kejiservice.params import load_layer, national

params = national().with_layer(load_layer("qingshan-pack"))
print([layer.name for layer in params.layers])

with open("enterprise.json", encoding="utf-8") as fh:
    enterprise = kejiservice.load(kejiservice.Enterprise, json.load(fh))

verdict = kejiservice.evaluate(
    "hnte", enterprise, dt.date(2025, 6, 30), params=params, innovation_score=76
)
print(verdict.status)
for p in verdict.params:
    if p.layer != "national":
        print(p.name, p.value, p.layer, p.effective_from, p.source)
