//! The server's own key, kept in a file beside the database and never in it: it keys the
//! retry table's request fingerprints (so a stored fingerprint does not give away the body it
//! was made from) and signs the audit trail's anchors (so that someone holding only the database
//! file cannot truncate or re-hash the chain unnoticed).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Clone)]
pub struct ServerKey([u8; 32]);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(…)")
    }
}

impl ServerKey {
    /// The default place of the key: `<database>.key`.
    pub fn path_for(db: &Path) -> PathBuf {
        let mut name = db.as_os_str().to_os_string();
        name.push(".key");
        PathBuf::from(name)
    }

    /// Reads the key (64 hex digits), or makes a new random one readable by this user only.
    pub fn load_or_create(path: &Path) -> anyhow::Result<ServerKey> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let bytes = hex::decode(text.trim()).with_context(|| format!("{}: not a key", path.display()))?;
                let key: [u8; 32] =
                    bytes.try_into().map_err(|_| anyhow::anyhow!("{}: a key is 64 hex digits", path.display()))?;
                Ok(ServerKey(key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key: [u8; 32] = rand::random();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file =
                    options.open(path).with_context(|| format!("cannot create the key {}", path.display()))?;
                file.write_all(hex::encode(key).as_bytes())?;
                file.sync_all()?;
                tracing::info!(path = %path.display(), "made a new server key; back it up with the database");
                Ok(ServerKey(key))
            }
            Err(e) => Err(e).with_context(|| format!("cannot read the key {}", path.display())),
        }
    }

    /// Reads an existing key (never makes one: for checking).
    pub fn load_existing(path: &Path) -> anyhow::Result<ServerKey> {
        anyhow::ensure!(path.exists(), "no key at {}", path.display());
        Self::load_or_create(path)
    }

    /// What a database keeps to know its key again ([`crate::store::settings::KEY_CHECK`]).
    pub fn check_value(&self) -> String {
        self.mac(&[b"hall-server key check"])
    }

    /// A key for tests.
    pub fn from_bytes(key: [u8; 32]) -> ServerKey {
        ServerKey(key)
    }

    /// HMAC-SHA256 over length-prefixed parts, hex.
    pub fn mac(&self, parts: &[&[u8]]) -> String {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        for p in parts {
            m.update(&(p.len() as u64).to_le_bytes());
            m.update(p);
        }
        hex::encode(m.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_kept_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = ServerKey::path_for(&dir.path().join("hall.db"));
        assert!(path.ends_with("hall.db.key"));
        let a = ServerKey::load_or_create(&path).unwrap();
        let b = ServerKey::load_or_create(&path).unwrap();
        assert_eq!(a.mac(&[b"x"]), b.mac(&[b"x"]));
        assert_ne!(a.mac(&[b"x"]), a.mac(&[b"y"]));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, "short").unwrap();
        assert!(ServerKey::load_or_create(&path).is_err());
    }
}
