//! A hall server in a child process (the real binary, or the bench's own, which measures its
//! memory): started, and ready once it printed `hall-server listening on http://ADDR` on stdout
//! (`hall_server::serve` does, once bound).

use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Spawns `server` (stdout read here, stderr inherited, killed when dropped) and waits at most
/// `within` for its first line; answers the child and its base URL (`http://ADDR`).
pub async fn spawn(mut server: Command, within: Duration) -> anyhow::Result<(Child, String)> {
    let mut child = server.stdout(Stdio::piped()).stderr(Stdio::inherit()).kill_on_drop(true).spawn()?;
    let stdout = child.stdout.take().context("no stdout")?;
    let line = tokio::time::timeout(within, BufReader::new(stdout).lines().next_line())
        .await
        .with_context(|| format!("the server did not start within {} s", within.as_secs()))??
        .context("the server exited before listening")?;
    let Some(base) = line.strip_prefix(hall_server::LISTENING_ON) else { bail!("unexpected first line: {line}") };
    Ok((child, base.to_string()))
}
