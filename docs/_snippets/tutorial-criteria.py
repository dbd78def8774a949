for c in verdict.criteria:
    print(f"{c.code:30} {c.status:8} {c.actual!s:12} {c.required}")
