//! End-to-end tests live in `tests/`: the core client against an in-process sandbox on a
//! random loopback port. This library holds nothing.
