"""Pure rules of the customers app: figures from values, no ORM, request or settings."""
