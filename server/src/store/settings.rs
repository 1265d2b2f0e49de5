//! Settings changed at run time, e.g. the lobby display's notice line.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::store::{exec, query_one};

pub const NOTICE: &str = "notice";
/// The hall as last saved on the admin page (TOML), or as read from the configuration file
/// when that file was new or changed at a start.
pub const HALL_TOML: &str = "hall_toml";
/// The SHA-256 of the configuration file's text at the last start that used it: a file the
/// same at the next start yields to the admin page's later changes.
pub const HALL_FILE_SEEN: &str = "hall_file_sha256";
/// A MAC of a fixed label under the server's key (`ServerKey::check_value`): tells the key this
/// database was made with from any other, without revealing it.
pub const KEY_CHECK: &str = "server_key_check";

pub fn get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    query_one(conn, "SELECT value FROM hall_settings WHERE key = ?1", [key], |r| r.get(0)).optional()
}

pub fn set(tx: &Transaction, key: &str, value: &str) -> rusqlite::Result<()> {
    exec(
        tx,
        "INSERT INTO hall_settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
