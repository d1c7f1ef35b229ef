"""Pure rules of the orders app: figures from values, no ORM, request or settings."""
