for p in verdict.proposals:
    print(p.input, p.change, p.target, p.verified)
    print("   ", p.message.en)
