verdict = kejiservice.evaluate("hnte", enterprise, dt.date(2025, 6, 30), innovation_score=76)
out = kejiservice.dump(verdict)
print(list(out))
print(json.dumps(out["params"]["hnte.rd_band1_ratio_min"], ensure_ascii=False, indent=2))
