try:
    kejiservice.load(kejiservice.Enterprise, data)
except kejiservice.InvalidInput as exc:
    print(exc.paths)
    print(isinstance(exc, ValueError))
    print(exc)
