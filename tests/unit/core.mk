# Unit tests of the core modules (schema, mapping, store, engine).
