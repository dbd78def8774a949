import attrs

elsewhere = attrs.evolve(enterprise, region="110105")
verdict = kejiservice.evaluate(
    "hnte", elsewhere, dt.date(2025, 6, 30), params=params, innovation_score=76
)
print(verdict.status, verdict.failed)
