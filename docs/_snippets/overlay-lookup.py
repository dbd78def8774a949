for region in ("441200", "449901", "110105", None):
    found = params.lookup("hnte.rd_band1_ratio_min", dt.date(2025, 6, 30), region)
    print(region, found.value, found.layer)
found = params.lookup("hnte.rd_band1_ratio_min", dt.date(2024, 12, 31), "441200")
print("2024-12-31", found.value, found.layer)
