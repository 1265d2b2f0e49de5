//! Backups of a hall's database: a consistent copy taken while the hall is serving (SQLite's
//! online backup, in one step under one read transaction, so the writer never waits), and a
//! restore that puts one back while the server is stopped, after checking the copy's integrity
//! and its audit trail. Neither ever leaves a half-written file where the database or the copy
//! should be: they write beside it and rename.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

/// What a backup or a restore found in the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    pub bytes: u64,
    pub tickets: i64,
    pub audit_rows: i64,
    /// The schema version (the migrations applied).
    pub schema: i64,
}

/// The lock a serving `hall-server` holds on `<database>.lock` (released when it stops, even by
/// a crash): a restore refuses to run under a live server, and two servers never share a file.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// A file made by a command run as root (as an IT worker often runs `backup` or `restore`)
/// goes to whoever owns `like`, the hall's user: the service, running as that user, must open
/// it. Nothing happens when the owners are the same, or when this process may not change it.
fn own_like(path: &Path, like: &Path) {
    use std::os::unix::fs::MetadataExt;
    let (Ok(p), Ok(l)) = (std::fs::metadata(path), std::fs::metadata(like)) else { return };
    if (p.uid(), p.gid()) != (l.uid(), l.gid()) {
        let _ = std::os::unix::fs::chown(path, Some(l.uid()), Some(l.gid()));
    }
}

/// Takes the database's lock, or says who holds it.
pub fn lock(db: &Path) -> anyhow::Result<std::fs::File> {
    let path = lock_path(db);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    own_like(&path, folder_of(db));
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "another hall-server is using {} (it holds {}); stop it first (systemctl stop hall-server)",
            db.display(),
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("cannot lock {}", path.display())),
    }
}

/// Where each good backup is recorded, one line each (`<database>.backups`): the server shows
/// the director the age of the last one.
pub fn log_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".backups");
    PathBuf::from(name)
}

/// How much of the backups' log's end is read for its last line.
const TAIL: u64 = 8192;

/// Appends a good backup to the log: `<unix ms>\t<bytes>\t<tickets>\t<file>`.
fn record(db: &Path, at_ms: i64, copy: &Copy, to: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(log_path(db))?;
    own_like(&log_path(db), db);
    writeln!(f, "{at_ms}\t{}\t{}\t{}", copy.bytes, copy.tickets, to.display())?;
    f.sync_all()
}

/// The last good backup on record: when (unix ms) and where. Read from the log's tail only
/// (every /metrics scrape and director's view asks; the log gains a line a night for years).
pub fn last(db: &Path) -> Option<(i64, String)> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(log_path(db)).ok()?;
    let len = f.metadata().ok()?.len();
    f.seek(SeekFrom::Start(len.saturating_sub(TAIL))).ok()?;
    let mut tail = Vec::new();
    f.read_to_end(&mut tail).ok()?;
    let text = String::from_utf8_lossy(&tail);
    // A line cut by the tail's start is never the last one (lines are far shorter).
    let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
    let mut parts = line.splitn(4, '\t');
    let at = parts.next()?.parse().ok()?;
    let file = parts.nth(2)?.to_string();
    Some((at, file))
}

/// `--to` a folder: a new file `hall-<stamp>.db` in it, then only the newest `keep` such
/// files are kept (the nightly timer's rotation). `--to` a file: that file.
pub fn target(to: &Path, stamp: &str) -> PathBuf {
    if to.is_dir() {
        to.join(format!("hall-{stamp}.db"))
    } else {
        to.to_path_buf()
    }
}

/// Deletes all but the newest `keep` backups (`hall-*.db`) in `dir`; answers what it deleted.
pub fn prune(dir: &Path, keep: usize) -> std::io::Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            name.starts_with("hall-") && name.ends_with(".db")
        })
        .collect();
    // The names carry the time: newest last when sorted.
    found.sort();
    let drop = found.len().saturating_sub(keep);
    let gone: Vec<PathBuf> = found.into_iter().take(drop).collect();
    for p in &gone {
        std::fs::remove_file(p)?;
    }
    Ok(gone)
}

fn partial(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Checks a database file: SQLite's integrity, the audit trail's hash chain, and what it holds.
pub fn check(path: &Path) -> anyhow::Result<Copy> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .with_context(|| format!("{} is not a SQLite database", path.display()))?;
    if integrity != "ok" {
        bail!("{} is damaged: {integrity}", path.display());
    }
    let has_tickets: i64 =
        conn.query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'tickets'", [], |r| {
            r.get(0)
        })?;
    if has_tickets == 0 {
        bail!("{} is not a hall's database (no tickets table)", path.display());
    }
    if let Err(b) = crate::store::audit::verify(&conn)? {
        bail!("the audit trail of {} is broken at row {}: {}", path.display(), b.id, b.problem);
    }
    Ok(Copy {
        bytes: std::fs::metadata(path)?.len(),
        tickets: conn.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))?,
        audit_rows: conn.query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))?,
        schema: conn.pragma_query_value(None, "user_version", |r| r.get(0))?,
    })
}

/// Copies `db` to `to` while the hall may be serving: one consistent snapshot, written to
/// `<to>.partial`, synced, checked, then renamed over `to` and recorded in `<db>.backups`.
pub fn backup(db: &Path, to: &Path, at_ms: i64) -> anyhow::Result<Copy> {
    if !db.exists() {
        bail!("no database at {}", db.display());
    }
    let tmp = partial(to);
    let _ = std::fs::remove_file(&tmp);
    copy_whole(db, &tmp)?;
    let found = check(&tmp).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    std::fs::rename(&tmp, to).with_context(|| format!("cannot move the copy to {}", to.display()))?;
    own_like(to, folder_of(to));
    sync_dir(to);
    let at = std::fs::canonicalize(to).unwrap_or_else(|_| to.to_path_buf());
    record(db, at_ms, &found, &at)
        .with_context(|| format!("cannot record the backup in {}", log_path(db).display()))?;
    Ok(found)
}

/// Copies the database `from` — with what its write-ahead log holds, which a plain file copy
/// would leave behind — into the single file `to` (no log), synced: SQLite's online backup, in
/// one step (one read transaction: one snapshot; a server writing meanwhile is unhindered).
fn copy_whole(from: &Path, to: &Path) -> anyhow::Result<()> {
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", from.display()))?;
    source.busy_timeout(Duration::from_secs(10))?;
    // Readable by its owner alone, whatever the umask of who runs the copy (root, by hand, into
    // /var/backups): it holds the staff's password hashes and the citizens' names and phones.
    // SQLite writes into the empty file and gives its journal the same mode.
    {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(to)
            .with_context(|| format!("cannot create {}", to.display()))?;
    }
    {
        let mut dest = Connection::open(to).with_context(|| format!("cannot create {}", to.display()))?;
        let copy = rusqlite::backup::Backup::new(&source, &mut dest)?;
        copy.step(-1).context("the copy did not complete")?;
        drop(copy);
        dest.pragma_update(None, "journal_mode", "DELETE")?;
    }
    std::fs::File::open(to)?.sync_all()?;
    Ok(())
}

/// Puts the backup `from` back as `db`, with no server running on it: the copy is checked
/// first (integrity, audit trail, a schema this server knows); the database it replaces is kept
/// beside it as `<db>.before-restore-<stamp>` (with its WAL and its audit anchors, which sign
/// rows of that timeline: left beside the restored copy, they would make `verify-audit` report
/// its new rows as tampering), never deleted. Returns the copy's figures and where the old
/// database went.
pub fn restore(from: &Path, db: &Path, stamp: &str) -> anyhow::Result<(Copy, Option<PathBuf>)> {
    let _lock = lock(db)?;
    // A copy readable by its owner alone (0600) and taken by someone else (a copy made by hand
    // as root, restored as the hall's user): say so, not "cannot open".
    if let Err(e) = std::fs::File::open(from) {
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            bail!(
                "{} cannot be read by this user (a copy is its owner's alone): restore it as its owner, or as root",
                from.display()
            );
        }
    }
    let found = check(from)?;
    let known = crate::store::schema_version();
    if found.schema > known {
        bail!(
            "{} was made by a newer hall-server (schema {}; this one knows {known}); upgrade first",
            from.display(),
            found.schema
        );
    }
    let tmp = partial(db);
    // Nothing of an earlier, interrupted restore may be replayed onto the fresh copy.
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
    }
    // The copy holds what `from`'s log holds too (a database kept before an earlier restore, a
    // crashed machine's file copied with its log): `check` counted it, and a file copy would
    // lose it.
    copy_whole(from, &tmp).with_context(|| format!("cannot copy {} to {}", from.display(), tmp.display()))?;
    if db.exists() {
        if let Err(e) = carry_forward(&tmp, db) {
            // A database past reading (the reason for many a restore): its numbers are lost with it.
            eprintln!("warning: the numbers the replaced database gave out could not be read ({e:#}); the restored one may give some out again");
        }
    }
    std::fs::File::open(&tmp)?.sync_all()?;
    let kept = if db.exists() {
        let old = PathBuf::from(format!("{}.before-restore-{stamp}", db.display()));
        for suffix in ["", "-wal", "-shm", ".anchors"] {
            let (a, b) = (format!("{}{suffix}", db.display()), format!("{}{suffix}", old.display()));
            if Path::new(&a).exists() {
                std::fs::rename(&a, &b).with_context(|| format!("cannot keep the old database as {b}"))?;
            }
        }
        Some(old)
    } else {
        None
    };
    std::fs::rename(&tmp, db).with_context(|| format!("cannot put the copy at {}", db.display()))?;
    own_like(db, folder_of(db));
    sync_dir(db);
    Ok((found, kept))
}

/// What the replaced database handed out, carried into the restored copy so that none is given
/// twice: its event ids (the county has read up to them: new events must come after, or the
/// county would pass them over), each queue's ticket numbers of every day (citizens in the
/// hall hold them: two A012 would both come when A012 is called), and the day-numbered series'
/// last numbers (cases, complaints, petitions, village requests: printed on notices, and the
/// keys of the county's relay), with any floor an earlier restore left there. The copy is
/// brought to this server's schema first (a backup from before an upgrade). Each part is read
/// on its own: a damaged table loses only its own numbers (said on stderr).
fn carry_forward(copy: &Path, replaced: &Path) -> anyhow::Result<()> {
    let old = Connection::open_with_flags(replaced, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let warn = |what: &str, e: &dyn std::fmt::Display| {
        eprintln!("warning: the replaced database's {what} could not be read ({e}); some may be given again");
    };
    let events: Option<i64> = old
        .query_row("SELECT seq FROM sqlite_sequence WHERE name = 'events'", [], |r| r.get(0))
        .optional()
        .unwrap_or_else(|e| {
            warn("event ids", &e);
            None
        });
    // (day, kind, name, n) as `day_counts` keeps them: 'seq' a queue's last ticket number,
    // 'numbered' a series' floor.
    let mut floors: Vec<(String, &'static str, String, i64)> = Vec::new();
    let mut read = |what: &str, sql: &str, kind: &'static str| match old.prepare(sql).and_then(|mut stmt| {
        stmt.query_map([], |r| Ok((r.get(0)?, kind, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<Vec<_>>>()
    }) {
        Ok(rows) => floors.extend(rows),
        Err(e) => warn(what, &e),
    };
    read("ticket numbers", "SELECT day, queue, MAX(seq) FROM tickets GROUP BY day, queue", "seq");
    if table_exists(&old, "day_counts").unwrap_or(false) {
        read("ticket numbers", "SELECT day, name, n FROM day_counts WHERE kind = 'seq'", "seq");
        read("numbers carried before", "SELECT day, name, n FROM day_counts WHERE kind = 'numbered'", "numbered");
    }
    for s in crate::store::Numbered::ALL {
        if table_exists(&old, s.table()).unwrap_or(false) {
            let sql = format!("SELECT day, '{0}', MAX(seq) FROM {0} GROUP BY day", s.table());
            read(s.table(), &sql, "numbered");
        }
    }
    drop(old);
    let mut new = Connection::open(copy)?;
    crate::store::migrate_to_version(&mut new, crate::store::schema_version() as usize)?;
    let tx = new.transaction()?;
    if let Some(seq) = events {
        let moved = tx.execute("UPDATE sqlite_sequence SET seq = MAX(seq, ?1) WHERE name = 'events'", [seq])?;
        if moved == 0 {
            tx.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?1)", [seq])?;
        }
    }
    {
        let mut up = tx.prepare(
            "INSERT INTO day_counts (day, kind, name, class, n) VALUES (?1, ?2, ?3, 0, ?4)
             ON CONFLICT (day, kind, name, class) DO UPDATE SET n = MAX(n, excluded.n)",
        )?;
        for (day, kind, name, n) in &floors {
            up.execute(rusqlite::params![day, kind, name, n])?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn table_exists(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)", [name], |r| {
        r.get(0)
    })
}

/// Makes a rename durable (the directory's entry), as far as the platform allows.
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Years of nightly lines: the last one is read from the log's end.
    #[test]
    fn the_last_backup_is_the_logs_last_line_however_long_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hall.db");
        assert_eq!(last(&db), None, "no log yet");
        let lines: String = (0..5000).map(|i| format!("{i}\t100\t7\t/var/backups/hall/hall-{i}.db\n")).collect();
        std::fs::write(log_path(&db), format!("{lines}\n")).unwrap();
        assert!(std::fs::metadata(log_path(&db)).unwrap().len() > TAIL * 10);
        assert_eq!(last(&db), Some((4999, "/var/backups/hall/hall-4999.db".to_string())));
    }

    /// A database whose newest commits are still only in its log (a database kept before an
    /// earlier restore, moved with its log; a crashed machine's file copied with its log) is
    /// restored whole: a file copy took the main file alone and lost them, while the summary,
    /// counted through the log, said they were there.
    #[test]
    fn a_copy_whose_newest_commits_are_in_its_log_is_restored_whole() {
        let dir = tempfile::tempdir().unwrap();
        let (from, db) = (dir.path().join("kept.db"), dir.path().join("hall.db"));
        let conn = crate::store::open_writer(&from).unwrap();
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true).unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        conn.execute(
            "INSERT INTO day_counts (day, kind, name, class, n) VALUES ('2026-11-25', 'seq', 'zonghe', 0, 42)",
            [],
        )
        .unwrap();
        drop(conn);
        assert!(std::fs::metadata(format!("{}-wal", from.display())).unwrap().len() > 0, "the row is in the log");
        restore(&from, &db, "test").unwrap();
        let restored = Connection::open(&db).unwrap();
        let n: i64 = restored
            .query_row("SELECT n FROM day_counts WHERE day = '2026-11-25' AND name = 'zonghe'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 42);
    }

    /// A copy is its owner's alone, whoever runs it and whatever their umask (a backup by hand
    /// as root into /var/backups was readable by every local account).
    #[test]
    fn a_backup_and_a_restored_database_are_readable_by_their_owner_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (db, copy, restored) = (dir.path().join("hall.db"), dir.path().join("copy.db"), dir.path().join("new.db"));
        drop(crate::store::open_writer(&db).unwrap());
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        backup(&db, &copy, 0).unwrap();
        restore(&copy, &restored, "test").unwrap();
        for file in [&copy, &restored] {
            let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", file.display());
        }
    }

    /// A second restore keeps the floors the first one carried (numbers on notices no case of
    /// the replaced database shows), and a copy from before `day_counts` (schema 16) is brought to
    /// this schema first and still gets them.
    #[test]
    fn the_numbers_handed_out_survive_a_restore_from_an_old_copy_and_a_second_restore() {
        let dir = tempfile::tempdir().unwrap();
        let (replaced, copy) = (dir.path().join("hall.db"), dir.path().join("copy.db"));
        let old = crate::store::open_writer(&replaced).unwrap();
        old.execute_batch(
            "INSERT INTO day_counts (day, kind, name, class, n) VALUES
                 ('2026-11-25', 'numbered', 'cases', 0, 10), ('2026-11-25', 'seq', 'zonghe', 0, 12);
             INSERT OR REPLACE INTO sqlite_sequence (name, seq) VALUES ('events', 500);",
        )
        .unwrap();
        drop(old);
        let mut c = Connection::open(&copy).unwrap();
        crate::store::migrate_to_version(&mut c, 16).unwrap();
        drop(c);
        carry_forward(&copy, &replaced).unwrap();
        let c = Connection::open(&copy).unwrap();
        let version: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, crate::store::schema_version());
        let next_case = crate::store::next_of_day(&c, crate::store::Numbered::Cases, "2026-11-25").unwrap();
        let seq: i64 = c
            .query_row(
                "SELECT n FROM day_counts WHERE day = '2026-11-25' AND kind = 'seq' AND name = 'zonghe'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let events: i64 =
            c.query_row("SELECT seq FROM sqlite_sequence WHERE name = 'events'", [], |r| r.get(0)).unwrap();
        assert_eq!((next_case, seq, events), (11, 12, 500));
    }
}

/// Which hall a restored copy puts in force when the configuration file is not the one it was
/// last started with (a new machine with the package's sample, or a file edited since).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HallChoice {
    /// The copy's hall stays in force; the file is put in force only once it changes.
    Copy,
    /// The file replaces the copy's hall at the next start (as any changed file does).
    File,
}

/// The sha256 of a configuration file's text, as the server records the file it started with.
pub fn file_digest(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

/// Whether the copy keeps a hall of its own (saved on /admin or from its last file) that the
/// file of `digest` would replace at the next start: the copy's recorded file is another one.
pub fn file_would_replace(copy: &Path, digest: &str) -> anyhow::Result<bool> {
    let conn = Connection::open_with_flags(copy, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", copy.display()))?;
    if !table_exists(&conn, "hall_settings")? {
        return Ok(false);
    }
    let get = |key: &str| crate::store::settings::get(&conn, key);
    let (saved, seen) = (get(crate::store::settings::HALL_TOML)?, get(crate::store::settings::HALL_FILE_SEEN)?);
    Ok(saved.is_some() && seen.as_deref() != Some(digest))
}

/// Records the file of `digest` as seen in the restored database: the hall the copy keeps stays
/// in force at the next start (as after a start with an unchanged file).
pub fn keep_copy_hall(db: &Path, digest: &str) -> anyhow::Result<()> {
    let _lock = lock(db)?;
    let mut conn = Connection::open(db).with_context(|| format!("cannot open {}", db.display()))?;
    let tx = conn.transaction()?;
    crate::store::settings::set(&tx, crate::store::settings::HALL_FILE_SEEN, digest)?;
    tx.commit()?;
    Ok(())
}
