//! Integration tests of the hall server against real servers on 127.0.0.1:0 (one binary,
//! modules per area).

mod archive;
mod assessment;
mod attendance;
mod booking;
mod cases;
mod cli;
mod complaints;
mod concurrency;
mod connections;
mod contract;
mod county;
mod durability;
mod errors;
mod events;
mod hall_change;
mod hours;
mod inspections;
mod kiosks;
mod leave;
mod mobile;
mod monitoring;
mod objection;
mod on_the_spot;
mod pages;
mod petitions;
mod ratings;
mod relay;
mod report_month;
mod reports;
mod security;
mod support;
mod tls;
mod upgrades;
mod village;
mod visits;
