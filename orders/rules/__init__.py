"""Pure calculations of orders and contracts: values in, figures out."""
