//! Integration tests of the hall server (one binary, modules per area).
