for verdict in kejiservice.evaluate_many("hnte", enterprises, as_of):
    if verdict.status == "ineligible" and verdict.failed == ("hnte.rd_expense_ratio",):
        print(verdict.enterprise_id, [p.message.en for p in verdict.proposals])
