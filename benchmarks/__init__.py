"""`python manage.py bench`: the benchmarked operations, one module per area, and the harness."""
