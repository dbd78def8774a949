import datetime as dt
import json

import kejiservice

with open("enterprise.json", encoding="utf-8") as fh:
    data = json.load(fh)

enterprise = kejiservice.load(kejiservice.Enterprise, data)
print(enterprise.name, enterprise.registered_on, enterprise.industry)
print(enterprise.year(2024).rd_expense, enterprise.year(2024).net_assets)
print(len(enterprise.valid_ip(dt.date(2025, 6, 30))))
