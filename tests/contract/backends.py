"""Every storage adapter the contract suite runs against: name -> 'module:async context manager factory'."""

BACKENDS = {
    "sqlite": "tests.contract.backend_sqlite:make_storage",
    "mongo": "tests.contract.backend_mongo:make_storage",
}
