//! PostgreSQL: the pool, and the migrations in `county/migrations/`, applied in order at
//! start-up, each in its own transaction, recorded in `schema_migrations`.

use std::time::Duration;

use anyhow::Context;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

/// Every migration, in order: (version, name, SQL). Append; never edit one that shipped.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "0001_events.sql", include_str!("../migrations/0001_events.sql")),
    (2, "0002_views.sql", include_str!("../migrations/0002_views.sql")),
    (3, "0003_reports.sql", include_str!("../migrations/0003_reports.sql")),
    (10, "0010_relay.sql", include_str!("../migrations/0010_relay.sql")),
    (11, "0011_case_matters.sql", include_str!("../migrations/0011_case_matters.sql")),
    (12, "0012_relay_refused.sql", include_str!("../migrations/0012_relay_refused.sql")),
    (13, "0013_no_show_on.sql", include_str!("../migrations/0013_no_show_on.sql")),
    (14, "0014_transferred_at.sql", include_str!("../migrations/0014_transferred_at.sql")),
];

/// A database machine gone quiet (switched off, a cable out) is said within seconds: the
/// screen answers 503 and the halls' events are asked again, instead of every request waiting
/// for the system's TCP timeout, minutes long.
const CONNECT_WITHIN: Duration = Duration::from_secs(5);
const POOL_WAIT: Duration = Duration::from_secs(10);

pub fn pool(url: &str) -> anyhow::Result<Pool> {
    let mut config: tokio_postgres::Config = url.parse().context("--database-url is not a PostgreSQL URL")?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_WITHIN);
    }
    // A connection already open to a machine that went away is found dead within seconds too
    // (keepalives, and unacknowledged data given up), and checked before it is handed out.
    config.keepalives_idle(CONNECT_WITHIN).tcp_user_timeout(POOL_WAIT);
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Verified });
    Ok(Pool::builder(manager)
        .max_size(16)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .wait_timeout(Some(POOL_WAIT))
        .create_timeout(Some(POOL_WAIT))
        .recycle_timeout(Some(CONNECT_WITHIN))
        .build()?)
}

/// PostgreSQL answered and said no — a wrong password, no such role or database: waiting for it
/// does not help (the start fails at once with its reason instead of "not ready" for 30 s).
pub fn refused_for_good(e: &anyhow::Error) -> bool {
    use tokio_postgres::error::SqlState;
    let final_ =
        [SqlState::INVALID_PASSWORD, SqlState::INVALID_AUTHORIZATION_SPECIFICATION, SqlState::INVALID_CATALOG_NAME];
    e.chain()
        .filter_map(|c| c.downcast_ref::<tokio_postgres::Error>())
        .filter_map(|pg| pg.code())
        .any(|c| final_.contains(c))
}

/// Applies the migrations not applied yet; answers how many it applied.
pub async fn migrate(pool: &Pool) -> anyhow::Result<usize> {
    let mut client = pool.get().await.context("connecting to PostgreSQL")?;
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await?;
    let mut applied = 0;
    for (version, name, sql) in MIGRATIONS {
        let tx = client.transaction().await?;
        // One county service at a time applies migrations.
        tx.batch_execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE").await?;
        let done = tx.query_opt("SELECT 1 FROM schema_migrations WHERE version = $1", &[version]).await?;
        if done.is_none() {
            tx.batch_execute(sql).await.with_context(|| format!("migration {name}"))?;
            tx.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", &[version, name]).await?;
            applied += 1;
        }
        tx.commit().await?;
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    /// A database address that never answers (packets dropped, a machine switched off) is an
    /// error within seconds, not a request hanging for the system's TCP timeout.
    #[tokio::test]
    async fn a_database_that_never_answers_is_an_error_within_seconds() {
        // TEST-NET-1 (RFC 5737): nothing there answers.
        let pool = super::pool("postgres://county:x@192.0.2.1:5432/county").unwrap();
        let started = std::time::Instant::now();
        assert!(pool.get().await.is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
    }
}
