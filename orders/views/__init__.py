"""Pages of orders and contracts; the URL conf imports the submodules."""
