"""The contract kit: documented specs per provider and the checks built on them."""
