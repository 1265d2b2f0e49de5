//! What the server settles with its database before it serves: the server key the database was
//! made with, the hall in force (the configuration file or the admin page's save), and the
//! calendar years a release brought.

use crate::store;

/// The shipped years a release brought that the database does not have, each added as the
/// admin page adds one (what waited for it settled), one transaction each. A year refused (its
/// notice changes a day already lived) is logged and left out: the admin page's warning of a
/// missing year stays until the administrator adds it without those days.
pub(super) fn released_years(
    conn: &rusqlite::Connection,
    (hall, mut calendar): (&crate::hall::Hall, crate::domain::calendar::Calendar),
    public_url: &str,
    shipped: &[store::calendar::Shipped],
    now_ms: i64,
) -> anyhow::Result<crate::domain::calendar::Calendar> {
    for (schedule, toml) in store::calendar::shipped_missing(conn, shipped)? {
        let tx = conn.unchecked_transaction()?;
        let now = store::from_ms(now_ms);
        match crate::ops::add_calendar_year_at_start(&tx, (hall, &calendar), public_url, now, (&schedule, toml)) {
            Ok(()) => {
                tx.commit()?;
                calendar = store::calendar::load(conn)?;
                tracing::info!(
                    year = schedule.year,
                    "a shipped calendar year was added; what waited for it is settled"
                );
            }
            Err(e) => {
                tracing::error!(year = schedule.year, error = ?e, "a shipped calendar year could not be added; add it on the admin page");
            }
        }
    }
    Ok(calendar)
}

/// The hall to serve: the admin page's saved hall, unless the configuration file is new or was
/// changed since the last start (then the file, which becomes the saved hall: the newest edit
/// wins, whichever way it was made). The packaged service always names its file, so the admin
/// page's changes would otherwise be lost at every restart.
pub(super) fn hall_in_force(
    conn: &rusqlite::Connection,
    given: crate::hall::Hall,
    from_file: bool,
    (calendar, now_ms): (&crate::domain::calendar::Calendar, i64),
    public_url: &str,
) -> anyhow::Result<crate::hall::Hall> {
    use sha2::Digest;
    let saved = store::settings::get(conn, store::settings::HALL_TOML)?;
    let saved_parsed = |text: &str| {
        crate::config::parse_saved(text, "hall saved on the admin page", given.folder.as_deref())
            .map_err(|e| tracing::error!(error = %e, "the hall saved on the admin page is invalid; using the configured one"))
            .ok()
    };
    if !from_file {
        let Some(hall) = saved.as_deref().and_then(saved_parsed) else { return Ok(given) };
        tracing::info!("using the hall saved on the admin page");
        return Ok(hall);
    }
    let digest = hex::encode(sha2::Sha256::digest(given.source.as_bytes()));
    let seen = store::settings::get(conn, store::settings::HALL_FILE_SEEN)?;
    if seen.as_deref() == Some(digest.as_str()) {
        if let Some(hall) = saved.as_deref().and_then(saved_parsed) {
            tracing::info!(
                "the configuration file is unchanged since the last start: using the hall saved on the admin page"
            );
            return Ok(hall);
        }
        return Ok(given);
    }
    if saved.is_some() {
        tracing::warn!(
            "the configuration file changed since the last start: it replaces the hall saved on the admin page"
        );
    }
    let tx = conn.unchecked_transaction()?;
    store::settings::set(&tx, store::settings::HALL_FILE_SEEN, &digest)?;
    store::settings::set(&tx, store::settings::HALL_TOML, &given.source)?;
    // The hall it replaces (the last in force) is replaced as a save on /admin replaces it: the
    // sessions whose rights the file changed end (a demoted account, a new password, a window
    // removed), bookings it no longer serves are cancelled, audited `hall.replace`. Known only
    // once a start has recorded its file: before (the first start with this record) the file
    // was always in force, whatever was saved on /admin.
    let last_in_force = saved.as_deref().filter(|_| seen.is_some()).and_then(saved_parsed);
    if let Some(old) = last_in_force {
        let now = crate::store::from_ms(now_ms);
        let (ended, cancelled) = crate::ops::replace_hall_at_start(&tx, (&old, &given), calendar, public_url, now)
            .map_err(|e| anyhow::anyhow!("putting the changed configuration file in force: {e:?}"))?;
        if ended > 0 {
            tracing::warn!(sessions = ended, "sessions whose rights the configuration file changed were ended");
        }
        if cancelled > 0 {
            tracing::warn!(
                bookings = cancelled,
                "bookings the configuration file no longer serves were cancelled by the hall: \
                 the director phones each from that day's booking list (audited booking.cancel)"
            );
        }
    }
    tx.commit()?;
    Ok(given)
}

/// The server's key, the one the database was made with. A database that recorded its key's
/// check value refuses to start without that key (a restore on a new machine without
/// `hall.db.key`) or with another: a new key would quietly stop finding the bookings made by
/// identity number (their keyed hash), answering retries and signing the same audit anchors.
/// `new_key` (the key is lost for good) makes one and records it.
pub(super) fn key_of(
    conn: &rusqlite::Connection,
    path: &std::path::Path,
    new_key: bool,
) -> anyhow::Result<crate::secret::ServerKey> {
    use store::settings::KEY_CHECK;
    let recorded = store::settings::get(conn, KEY_CHECK)?;
    if recorded.is_some() && !path.exists() && !new_key {
        anyhow::bail!(
            "the server key {} is missing, and this database was made with one: put back the key backed up \
             with it (docs/install.md, restore), or, if it is lost for good, start once with --new-key \
             (bookings made with an identity number are then found by their code only)",
            path.display()
        );
    }
    let key = crate::secret::ServerKey::load_or_create(path)?;
    let check = key.check_value();
    match recorded {
        Some(r) if r == check => return Ok(key),
        Some(_) if !new_key => anyhow::bail!(
            "the server key {} is not the one this database was made with: put back its own key, or, if \
             that is lost for good, start once with --new-key",
            path.display()
        ),
        Some(_) => {
            tracing::warn!(path = %path.display(), "--new-key: this key replaces the one the database was made with")
        }
        None => {}
    }
    let tx = conn.unchecked_transaction()?;
    store::settings::set(&tx, KEY_CHECK, &check)?;
    tx.commit()?;
    Ok(key)
}
