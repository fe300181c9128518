"""What the tests (and the benchmarks) share: generators, scratch and private PostgreSQL."""
