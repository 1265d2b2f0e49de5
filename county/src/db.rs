//! PostgreSQL: the pool, and the migrations in `county/migrations/`, applied in order at
//! start-up, each in its own transaction, recorded in `schema_migrations`.

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

pub fn pool(url: &str) -> anyhow::Result<Pool> {
    let config: tokio_postgres::Config = url.parse().context("--database-url is not a PostgreSQL URL")?;
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Ok(Pool::builder(manager).max_size(16).build()?)
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
