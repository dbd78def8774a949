print(summary.verdicts["sme_size"].extras["size"])
print(summary.verdicts["super_deduction"].extras["amounts"]["tax_saving"])
