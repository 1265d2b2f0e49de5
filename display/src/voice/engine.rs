//! The neural voice's engine: Kokoro-82M (int8 ONNX) run by ONNX Runtime, in a process of its
//! own (`hall-display voice-engine`) so that its ~300 MB never sit in the display. The display
//! starts it when a call comes ([`super::neural`]); it exits after a minute without work, or
//! when the display closes its input.
//!
//! Protocol on stdin/stdout: the engine says `READY` (or `ERR message` and exits); then each
//! request is one line `VOICE<TAB>SPEED<TAB>PHONEMES`, answered by `OK N` and N little-endian
//! f32 samples at [`RATE`] Hz, or `ERR message`.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};

use super::phonemes;

pub const RATE: u32 = 24_000;
pub const MODEL: &str = "kokoro-v1.0.int8.onnx";
pub const LIBRARY: &str = "lib/libonnxruntime.so";
/// Mostly the American English voice's style with some of the Mandarin voice's: the letters
/// come out as English letter names and the Chinese words stay clear (measured: docs/voice.md).
/// `zf_xiaoyi` alone sounds more natural but its letters are misheard far more often.
pub const DEFAULT_VOICE: &str = "zf_xiaoyi*0.2+af_heart*0.8";
const STYLE: usize = 256;

/// Where `scripts/voice-setup.sh` installs the voice: `$HALL_VOICE_DIR` or /var/lib/hall-voice.
pub fn dir() -> PathBuf {
    std::env::var_os("HALL_VOICE_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/var/lib/hall-voice"))
}

/// What is missing for the neural voice in `dir` (None: all there). `voice` may be a mix.
pub fn missing(dir: &Path, voice: &str) -> Option<PathBuf> {
    let voices = voice.split('+').map(|v| voice_file(dir, v.split('*').next().unwrap_or(v)));
    [dir.join(MODEL), dir.join(LIBRARY)].into_iter().chain(voices).find(|p| !p.is_file())
}

fn voice_file(dir: &Path, voice: &str) -> PathBuf {
    dir.join("voices").join(format!("{voice}.bin"))
}

/// A voice: style vectors [510, 256], one per sentence length in tokens.
pub struct Voice(Vec<f32>);

impl Voice {
    /// A voice by name, or a mix of voices: `zf_xiaoyi*0.6+af_heart*0.4` (weights default
    /// to equal shares).
    pub fn load(dir: &Path, name: &str) -> anyhow::Result<Voice> {
        let parts: Vec<(&str, Option<f32>)> = name
            .split('+')
            .map(|p| match p.split_once('*') {
                Some((n, w)) => (n, w.parse().ok()),
                None => (p, Some(f32::NAN)),
            })
            .collect();
        let mut mixed: Vec<f32> = Vec::new();
        for (n, w) in &parts {
            let w = match w {
                Some(w) if w.is_nan() => 1.0 / parts.len() as f32,
                Some(w) if (0.0..=1.0).contains(w) => *w,
                _ => bail!("`{name}` is not a voice name or a mix like zf_xiaoyi*0.6+af_heart*0.4"),
            };
            let one = Voice::one(dir, n)?;
            if mixed.is_empty() {
                mixed = vec![0.0; one.len()];
            }
            if one.len() != mixed.len() {
                bail!("the voices of `{name}` differ in size");
            }
            mixed.iter_mut().zip(&one).for_each(|(m, v)| *m += w * v);
        }
        Ok(Voice(mixed))
    }

    fn one(dir: &Path, name: &str) -> anyhow::Result<Vec<f32>> {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            bail!("`{name}` is not a voice name");
        }
        let path = voice_file(dir, name);
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        if bytes.is_empty() || bytes.len() % (4 * STYLE) != 0 {
            bail!("{} is not a Kokoro voice ({} bytes)", path.display(), bytes.len());
        }
        Ok(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
    }

    /// The style for a sentence of `tokens` tokens (as Kokoro picks it).
    pub fn style(&self, tokens: usize) -> &[f32] {
        let rows = self.0.len() / STYLE;
        let i = tokens.min(rows - 1);
        &self.0[i * STYLE..(i + 1) * STYLE]
    }
}

/// The model, loaded once.
pub struct Kokoro {
    session: ort::session::Session,
    _env: ort::environment::Environment,
    dir: PathBuf,
    voices: Vec<(String, Voice)>,
}

impl Kokoro {
    pub fn load(dir: &Path) -> anyhow::Result<Kokoro> {
        let env = ort::init_from(dir.join(LIBRARY))
            .map_err(|e| anyhow!("cannot load {}: {e}", dir.join(LIBRARY).display()))?
            .with_name("hall-voice")
            .build()
            .map_err(|e| anyhow!("ONNX Runtime: {e}"))?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
        let session = ort::session::Session::builder(&env)
            .and_then(|b| b.with_intra_threads(threads).map_err(Into::into))
            .and_then(|mut b| b.commit_from_file(dir.join(MODEL)))
            .map_err(|e| anyhow!("cannot load the model {}: {e}", dir.join(MODEL).display()))?;
        Ok(Kokoro { session, _env: env, dir: dir.to_path_buf(), voices: Vec::new() })
    }

    /// Speech (mono f32 at [`RATE`] Hz) of a phoneme string.
    pub fn synthesize(&mut self, voice: &str, speed: f32, phonemes: &str) -> anyhow::Result<Vec<f32>> {
        let tokens = phonemes::tokens(phonemes);
        if tokens.is_empty() || tokens.len() > 510 {
            bail!("{} tokens: Kokoro says 1 to 510", tokens.len());
        }
        if !self.voices.iter().any(|(n, _)| n == voice) {
            let v = Voice::load(&self.dir, voice)?;
            self.voices.push((voice.to_string(), v));
        }
        let style = self.voices.iter().find(|(n, _)| n == voice).map(|(_, v)| v.style(tokens.len()).to_vec());
        let style = style.expect("loaded above");
        let mut ids = vec![0_i64];
        ids.extend(&tokens);
        ids.push(0);
        let n = ids.len();
        let inputs = ort::inputs![
            "tokens" => ort::value::Tensor::from_array(([1usize, n], ids))?,
            "style" => ort::value::Tensor::from_array(([1usize, STYLE], style))?,
            "speed" => ort::value::Tensor::from_array(([1usize], vec![speed]))?,
        ];
        let outputs = self.session.run(inputs)?;
        let (_, audio) = outputs["audio"].try_extract_tensor::<f32>()?;
        Ok(audio.to_vec())
    }
}

/// `hall-display voice-engine`: serves requests until its input closes or `idle` passes
/// without one.
pub fn serve(idle: Duration) -> anyhow::Result<()> {
    let dir = dir();
    let mut out = std::io::stdout().lock();
    let mut kokoro = match Kokoro::load(&dir) {
        Ok(k) => k,
        Err(e) => {
            writeln!(out, "ERR {}", one_line(&format!("{e:#}")))?;
            out.flush()?;
            return Err(e);
        }
    };
    writeln!(out, "READY")?;
    out.flush()?;
    let (tx, lines) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    loop {
        let line = match lines.recv_timeout(idle) {
            Ok(l) => l,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                tracing::info!("voice engine idle for {} s: exiting", idle.as_secs());
                return Ok(());
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        };
        let result = request(&line).and_then(|(voice, speed, ph)| kokoro.synthesize(voice, speed, ph));
        match result {
            Ok(samples) => {
                writeln!(out, "OK {}", samples.len())?;
                let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
                out.write_all(&bytes)?;
            }
            Err(e) => writeln!(out, "ERR {}", one_line(&format!("{e:#}")))?,
        }
        out.flush()?;
    }
}

fn request(line: &str) -> anyhow::Result<(&str, f32, &str)> {
    let mut parts = line.splitn(3, '\t');
    match (parts.next(), parts.next().and_then(|s| s.parse::<f32>().ok()), parts.next()) {
        (Some(v), Some(speed), Some(ph)) if (0.5..=2.0).contains(&speed) => Ok((v, speed, ph)),
        _ => bail!("bad request (VOICE<TAB>SPEED<TAB>PHONEMES, speed 0.5-2)"),
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_parsed() {
        let check = |line: &str, ok: bool| assert_eq!(request(line).is_ok(), ok, "{line}");
        check("zf_xiaoyi\t1.0\tpa→", true);
        check("zf_xiaoyi\t1\tpa→ pa→\tx", true);
        check("zf_xiaoyi\t9\tpa→", false);
        check("zf_xiaoyi\tfast\tpa→", false);
        check("zf_xiaoyi", false);
    }

    #[test]
    fn voices_are_checked_and_give_a_style_per_length() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("voices")).unwrap();
        let rows: Vec<u8> = (0..3 * STYLE).flat_map(|i| ((i / STYLE) as f32).to_le_bytes()).collect();
        std::fs::write(dir.path().join("voices/zf_test.bin"), &rows).unwrap();
        std::fs::write(dir.path().join("voices/bad.bin"), [1, 2, 3]).unwrap();
        let v = Voice::load(dir.path(), "zf_test").unwrap();
        assert_eq!(v.style(1)[0], 1.0);
        assert_eq!(v.style(99)[STYLE - 1], 2.0, "past the last row: the last");
        assert!(Voice::load(dir.path(), "bad").is_err());
        assert!(Voice::load(dir.path(), "../voices/zf_test").is_err());
        assert!(Voice::load(dir.path(), "nobody").is_err());
        let half: Vec<u8> = (0..3 * STYLE).flat_map(|_| 4.0_f32.to_le_bytes()).collect();
        std::fs::write(dir.path().join("voices/af_test.bin"), &half).unwrap();
        let check = |name: &str, row: usize, expected: f32| {
            assert_eq!(Voice::load(dir.path(), name).unwrap().style(row)[0], expected, "{name}");
        };
        check("zf_test*0.5+af_test*0.5", 2, 3.0);
        check("zf_test+af_test", 0, 2.0);
        check("zf_test*0.75+af_test*0.25", 1, 1.75);
        assert!(Voice::load(dir.path(), "zf_test*2+af_test").is_err());
        assert!(Voice::load(dir.path(), "zf_test*x").is_err());
    }

    #[test]
    fn what_is_missing_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(missing(dir.path(), "zf_xiaoyi"), Some(dir.path().join(MODEL)));
        std::fs::write(dir.path().join(MODEL), b"x").unwrap();
        std::fs::create_dir_all(dir.path().join("lib")).unwrap();
        std::fs::write(dir.path().join(LIBRARY), b"x").unwrap();
        assert_eq!(missing(dir.path(), "zf_xiaoyi"), Some(dir.path().join("voices/zf_xiaoyi.bin")));
        std::fs::create_dir_all(dir.path().join("voices")).unwrap();
        std::fs::write(dir.path().join("voices/zf_xiaoyi.bin"), b"x").unwrap();
        assert_eq!(missing(dir.path(), "zf_xiaoyi"), None);
        assert_eq!(missing(dir.path(), "zf_xiaoyi*0.6+af_heart*0.4"), Some(dir.path().join("voices/af_heart.bin")));
    }
}
