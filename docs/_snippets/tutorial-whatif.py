import attrs


def add_rd(ent, year, amount):
    years = tuple(
        attrs.evolve(y, rd_expense=y.rd_expense + amount,
                     rd_expense_domestic=y.rd_expense_domestic + amount)
        if y.year == year else y
        for y in ent.years
    )
    return attrs.evolve(ent, years=years)


better = add_rd(enterprise, 2024, 100_000)
verdict = kejiservice.evaluate("hnte", better, dt.date(2025, 6, 30), innovation_score=76)
print(verdict.status, verdict.path)
print(verdict.criterion("hnte.rd_expense_ratio").actual)
