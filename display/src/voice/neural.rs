//! The display's side of the neural voice: starts `hall-display voice-engine` (see
//! [`super::engine`]) when speech is needed, again if it has exited after being idle.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{anyhow, bail, Context};

struct Running {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

pub struct Neural {
    program: PathBuf,
    voice: String,
    running: Option<Running>,
    /// A sentence takes a few seconds; an engine silent this long is stuck (killed, then started
    /// again), so that one hang never silences every call after it.
    limit: std::time::Duration,
}

impl Neural {
    /// `program` is the hall-display binary, whose `voice-engine` command runs the engine.
    pub fn new(program: PathBuf, voice: &str) -> Neural {
        Neural { program, voice: voice.to_string(), running: None, limit: std::time::Duration::from_secs(30) }
    }

    fn start(&self) -> anyhow::Result<Running> {
        let mut child = Command::new(&self.program)
            .arg("voice-engine")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {} voice-engine", self.program.display()))?;
        let input = child.stdin.take().expect("piped");
        let mut output = BufReader::new(child.stdout.take().expect("piped"));
        let mut first = String::new();
        // (An engine stuck before it is ready is killed too: its pipe ends, the start fails.)
        let watch = Watchdog::start(child.id(), self.limit);
        output.read_line(&mut first)?;
        watch.answered();
        match first.trim_end() {
            "READY" => Ok(Running { child, input, output }),
            other => {
                let _ = child.wait();
                bail!("the voice engine did not start: {}", other.strip_prefix("ERR ").unwrap_or("it exited"))
            }
        }
    }

    /// Starts the engine now if it is not running (`hall-bench` times the start alone).
    pub fn start_engine(&mut self) -> anyhow::Result<()> {
        if self.running.is_none() {
            self.running = Some(self.start()?);
        }
        Ok(())
    }

    /// The engine's process, while it runs (`hall-bench` reads its memory).
    pub fn engine_pid(&self) -> Option<u32> {
        self.running.as_ref().map(|r| r.child.id())
    }

    /// Speech samples (mono f32 at [`super::engine::RATE`]) of a phoneme string.
    pub fn synthesize(&mut self, phonemes: &str) -> anyhow::Result<Vec<f32>> {
        // An engine that exited when idle is started again; one that fails twice is an error.
        for attempt in 0..2 {
            if let Some(r) = &mut self.running {
                if r.child.try_wait().ok().flatten().is_some() {
                    self.running = None;
                }
            }
            if self.running.is_none() {
                self.running = Some(self.start()?);
            }
            let r = self.running.as_mut().expect("started above");
            let watch = Watchdog::start(r.child.id(), self.limit);
            let asked = ask(r, &self.voice, phonemes);
            if watch.answered() {
                // Killed as stuck: the call goes to espeak-ng now, not after another wait.
                let _ = r.child.wait();
                self.running = None;
                bail!("the voice engine did not answer within {} s", self.limit.as_secs());
            }
            match asked {
                Ok(samples) => return Ok(samples),
                Err(Failure::Refused(e)) => return Err(e),
                Err(Failure::Pipe(e)) if attempt == 1 => return Err(e),
                Err(Failure::Pipe(_)) => {
                    let _ = r.child.kill();
                    let _ = r.child.wait();
                    self.running = None;
                }
            }
        }
        unreachable!("the loop returns")
    }
}

impl Drop for Neural {
    fn drop(&mut self) {
        if let Some(mut r) = self.running.take() {
            drop(r.input); // the engine exits at the end of its input
            let _ = r.child.wait();
        }
    }
}

/// Kills the engine `pid` unless its answer comes within `limit`: a stuck engine's pipe then
/// ends, and the call is spoken by espeak-ng.
struct Watchdog {
    answered: std::sync::mpsc::Sender<()>,
    killed: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Watchdog {
    fn start(pid: u32, limit: std::time::Duration) -> Watchdog {
        let (answered, wait) = std::sync::mpsc::channel::<()>();
        let killed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = killed.clone();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(limit) {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
                tracing::warn!(pid, seconds = limit.as_secs(), "the voice engine did not answer: killed");
                let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            }
        });
        Watchdog { answered, killed }
    }

    /// The answer came (or the wait ended): whether the engine was killed as stuck meanwhile.
    fn answered(self) -> bool {
        let _ = self.answered.send(());
        self.killed.load(std::sync::atomic::Ordering::SeqCst)
    }
}

enum Failure {
    /// The engine answered with an error.
    Refused(anyhow::Error),
    /// The engine is gone.
    Pipe(anyhow::Error),
}

fn ask(r: &mut Running, voice: &str, phonemes: &str) -> Result<Vec<f32>, Failure> {
    let pipe = |e: std::io::Error| Failure::Pipe(anyhow!("voice engine: {e}"));
    writeln!(r.input, "{voice}\t1.0\t{}", phonemes.replace(['\n', '\t'], " ")).map_err(pipe)?;
    r.input.flush().map_err(pipe)?;
    let mut line = String::new();
    if r.output.read_line(&mut line).map_err(pipe)? == 0 {
        return Err(Failure::Pipe(anyhow!("the voice engine exited")));
    }
    let line = line.trim_end();
    if let Some(msg) = line.strip_prefix("ERR ") {
        return Err(Failure::Refused(anyhow!("voice engine: {msg}")));
    }
    let n: usize = line
        .strip_prefix("OK ")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| Failure::Pipe(anyhow!("voice engine: unexpected answer `{line}`")))?;
    let mut bytes = vec![0u8; n * 4];
    r.output.read_exact(&mut bytes).map_err(pipe)?;
    Ok(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stuck_engine_is_killed_and_the_sentence_given_up_not_waited_for_ever() {
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("stuck-engine");
        std::fs::write(&program, "#!/bin/sh\necho READY\nexec sleep 600\n").unwrap();
        std::fs::set_permissions(&program, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let mut n = Neural::new(program.clone(), "zf_xiaoyi");
        n.limit = std::time::Duration::from_millis(300);
        let started = std::time::Instant::now();
        let e = n.synthesize("pa→").unwrap_err();
        assert!(format!("{e:#}").contains("did not answer"), "{e:#}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "one wait, not two: {:?}", started.elapsed());
        // One stuck before it is ready: its start fails, not the display's voice for ever.
        std::fs::write(&program, "#!/bin/sh\nexec sleep 600\n").unwrap();
        let mut n = Neural::new(program, "zf_xiaoyi");
        n.limit = std::time::Duration::from_millis(300);
        assert!(n.synthesize("pa→").is_err());
    }

    #[test]
    fn an_engine_that_cannot_start_is_an_error() {
        let mut n = Neural::new(PathBuf::from("/nonexistent/hall-display"), "zf_xiaoyi");
        let e = n.synthesize("pa→").unwrap_err();
        assert!(format!("{e:#}").contains("cannot start"), "{e:#}");
    }
}
