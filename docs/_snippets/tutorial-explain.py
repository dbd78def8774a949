print(verdict.explain("en"))
