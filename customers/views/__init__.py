"""Customer pages, one module per subdomain: customers, followups, pool, imports."""
