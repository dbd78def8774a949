verdict = kejiservice.evaluate("hnte", enterprise, dt.date(2025, 6, 30), innovation_score=76)
print(verdict.status, verdict.score, verdict.failed)
