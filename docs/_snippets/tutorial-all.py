summary = kejiservice.evaluate_all(
    enterprise,
    dt.date(2025, 6, 30),
    inputs={"hnte": {"innovation_score": 76}},
)
print(summary.qualifies_for)
for rule, verdict in summary.verdicts.items():
    print(f"{rule:16} {verdict.status:13} {verdict.path}")
