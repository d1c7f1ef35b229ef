"""Reads of orders: lists, one order with its timeline, credit figures, on-time delivery."""
