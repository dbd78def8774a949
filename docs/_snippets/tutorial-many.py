from collections import Counter

from kejiservice.sample import ledger

enterprises = ledger()
print(len(enterprises))
as_of = dt.date(2026, 6, 30)
counts = Counter(v.status.value for v in kejiservice.evaluate_many("tech_sme", enterprises, as_of))
print(counts)
