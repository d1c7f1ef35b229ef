"""Writes on customers, split by subdomain: customers, followups, pool, reminders."""
