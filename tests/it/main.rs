//! End-to-end tests: the hall's parts running together.

mod sim_day;
