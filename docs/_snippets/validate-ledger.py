for line in kejiservice.read_ledger("ledger.jsonl"):
    if line.ok:
        print(line.line, "ok", line.enterprise.id)
    else:
        print(line.describe_error())
