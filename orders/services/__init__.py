"""Every write on orders and contracts; callers import the submodule."""
