//! The test kit (`hall-testkit`): real servers on 127.0.0.1:0 with a temporary database and a
//! hand-set clock, and the HTTP helpers over the demo accounts.

pub use hall_testkit::{assert_error, router, Reply, Sse, TestServer};
