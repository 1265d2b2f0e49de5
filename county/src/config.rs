//! The halls file: `[[halls]]` with `id`, `url`, `token`; `[[users]]` with `username`,
//! `password_hash` (argon2, from `hall-server hash-password`) and an optional `name`.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{bail, Context};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HallsFile {
    #[serde(default)]
    pub halls: Vec<HallEntry>,
    #[serde(default)]
    pub users: Vec<User>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HallEntry {
    /// The hall's stable id (its `[hall] id`).
    pub id: String,
    /// Its server, e.g. `http://10.1.2.3:8080`.
    pub url: String,
    /// Its `[[counties]]` device token.
    pub token: String,
    /// The county hall (县政务服务中心): where the other halls' reported cases (上报件) go.
    #[serde(default)]
    pub county_hall: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub username: String,
    #[serde(default)]
    pub name: String,
    pub password_hash: String,
}

pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 40 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl HallsFile {
    pub fn load(path: &Path) -> anyhow::Result<HallsFile> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<HallsFile> {
        let file: HallsFile = toml::from_str(text)?;
        let mut seen = HashSet::new();
        for h in &file.halls {
            if !valid_id(&h.id) {
                bail!("hall id `{}` must be 1-40 ASCII letters, digits, '-' or '_'", h.id);
            }
            if !seen.insert(h.id.clone()) {
                bail!("duplicate hall id `{}`", h.id);
            }
            if !(h.url.starts_with("http://") || h.url.starts_with("https://")) {
                bail!("hall `{}`: url must start with http:// or https://", h.id);
            }
            if h.token.trim().is_empty() {
                bail!("hall `{}`: token must not be empty", h.id);
            }
        }
        if file.halls.iter().filter(|h| h.county_hall).count() > 1 {
            bail!("only one hall is the county hall (`county_hall = true`)");
        }
        let mut users = HashSet::new();
        for u in &file.users {
            if !users.insert(u.username.clone()) {
                bail!("duplicate user `{}`", u.username);
            }
            if !hall_signin::is_password_hash(&u.password_hash) {
                bail!("user `{}`: password_hash is not an argon2 hash", u.username);
            }
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::HallsFile;

    #[test]
    fn mistakes_in_the_halls_file_are_named() {
        let ok = "[[halls]]\nid = \"qingshui\"\nurl = \"http://127.0.0.1:8080\"\ntoken = \"t\"\n";
        assert_eq!(HallsFile::parse(ok).unwrap().halls.len(), 1);
        // (file, a word of the error)
        let table = [
            (format!("{ok}{ok}"), "duplicate hall id"),
            (ok.replace("qingshui", "青石"), "ASCII"),
            (ok.replace("http://", "ftp://"), "http://"),
            (ok.replace("\"t\"", "\" \""), "token"),
            (format!("{ok}[[users]]\nusername = \"a\"\npassword_hash = \"x\"\n"), "argon2"),
            ("[[halls]]\nid = \"a\"\n".to_string(), "missing field"),
            (format!("{ok}county_hall = true\n{}county_hall = true\n", ok.replace("qingshui", "b")), "only one hall"),
        ];
        for (text, word) in table {
            let e = format!("{:#}", HallsFile::parse(&text).unwrap_err());
            assert!(e.contains(word), "{text}: {e}");
        }
    }
}
