"""Pure rules of orders: line and order amounts, the credit check at confirmation."""
