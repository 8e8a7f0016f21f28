"""The documented contracts: one OpenAPI spec per provider (`specs`), their validation
(`validate`), and the kit that checks clients and receivers against them (`kit`)."""
