"""Forms of orders and contracts; callers import the submodule."""
