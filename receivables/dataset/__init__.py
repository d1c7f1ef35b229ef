"""The benchmark book's money (`generate_dataset`): `ledger` writes receivables, payments,
allocations and write-offs, `ladder` the escalation history and credit holds, `snapshots` the
aging snapshots."""
