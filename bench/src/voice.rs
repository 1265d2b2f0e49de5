//! The lobby voice (issue 18): the neural voice's engine process (`hall-display voice-engine`,
//! started beside this binary as the display starts it) and espeak-ng, on the same calls.
//!
//! Measured: the engine's start (library and model loaded) and its resident memory then (idle);
//! synthesis time of a call's sentence, warm, with the speech's own length; the engine's peak
//! resident memory while speaking; espeak-ng's time and peak memory for the same sentence (a
//! process per sentence, as the display runs it). Call → first sound follows from these and
//! the player's schedule: the chime is put on the output when the call's turn comes, without
//! waiting for the speech; the speech follows the chime and a pause, or its synthesis when
//! that takes longer (synthesis starts when the call arrives).

use std::time::Instant;

use hall_display::voice::{self, engine, neural::Neural, phonemes};

use crate::stats::Samples;

pub struct NeuralFigures {
    pub start_ms: f64,
    pub idle_mb: f64,
    pub synth: Samples,
    pub speech_secs: f64,
    pub peak_mb: f64,
}

pub struct Espeak {
    pub synth: Samples,
    pub speech_secs: f64,
    pub peak_mb: f64,
}

/// The calls said: a letter, three digits, windows up to 30, as a hall's day has them.
fn calls(n: usize) -> Vec<(String, u32)> {
    let letters = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
    (0..n)
        .map(|i| (format!("{}{:03}", letters[i % letters.len()], 7 + i * 37 % 990), 1 + (i * 7 % 30) as u32))
        .collect()
}

/// The chime's length in seconds.
pub fn chime_secs() -> f64 {
    voice::chime().len() as f64 / voice::RATE as f64
}

/// When the speech starts after the call arrives, for a synthesis of `synth_secs`.
pub fn speech_starts(synth_secs: f64) -> f64 {
    synth_secs.max(chime_secs()) + voice::PAUSE_SECS as f64
}

/// `None` (with the reason) when the voice's files or the display binary are not there.
pub fn neural(n: usize) -> anyhow::Result<Result<NeuralFigures, String>> {
    let program = std::env::current_exe()?.with_file_name("hall-display");
    let dir = engine::dir();
    if !program.exists() {
        return Ok(Err(format!("{} is not built", program.display())));
    }
    if let Some(missing) = engine::missing(&dir, engine::DEFAULT_VOICE) {
        return Ok(Err(format!("{} is missing (scripts/voice-setup.sh)", missing.display())));
    }
    let mut engine = Neural::new(program, engine::DEFAULT_VOICE);
    let t = Instant::now();
    engine.start_engine()?;
    let start_ms = t.elapsed().as_secs_f64() * 1000.0;
    let pid = engine.engine_pid().expect("started");
    let idle_mb = crate::proc::rss_mb(pid);
    let mut synth = Samples::default();
    let mut speech = 0.0;
    for (number, window) in calls(n) {
        let ph = phonemes::call(voice::DEFAULT_TEMPLATE, &number, window).map_err(|e| anyhow::anyhow!("{e}"))?;
        let t = Instant::now();
        let samples = engine.synthesize(&ph)?;
        synth.push(t.elapsed());
        speech += samples.len() as f64 / engine::RATE as f64;
    }
    let peak_mb = peak_mb(pid);
    Ok(Ok(NeuralFigures { start_ms, idle_mb, synth, speech_secs: speech / n as f64, peak_mb }))
}

/// espeak-ng on the same calls, one process per sentence as the display runs it.
pub fn espeak(n: usize) -> anyhow::Result<Result<Espeak, String>> {
    let mut synth = Samples::default();
    let (mut speech, mut peak) = (0.0, 0.0_f64);
    for (number, window) in calls(n) {
        let text = voice::sentence(voice::DEFAULT_TEMPLATE, &number, window);
        let t = Instant::now();
        let samples = match voice::speak(&text) {
            Ok(s) => s,
            Err(e) => return Ok(Err(format!("{e:#}"))),
        };
        synth.push(t.elapsed());
        speech += samples.len() as f64 / voice::RATE as f64;
        peak = peak.max(espeak_peak_mb(&text)?);
    }
    Ok(Ok(Espeak { synth, speech_secs: speech / n as f64, peak_mb: peak }))
}

/// The peak resident memory (VmHWM) of a running process.
fn peak_mb(pid: u32) -> f64 {
    crate::proc::status_mb(pid, "VmHWM:")
}

/// The peak resident memory of one espeak-ng run of `text`: its VmHWM, read every millisecond
/// while it runs (the kernel's own accounting of a child, `wait4`, counts the memory of the
/// process it was started from).
fn espeak_peak_mb(text: &str) -> anyhow::Result<f64> {
    let out = tempfile::NamedTempFile::new()?;
    let mut child = voice::espeak_command(text, out.path()).spawn()?;
    let mut peak = 0.0_f64;
    while child.try_wait()?.is_none() {
        let now = peak_mb(child.id());
        if now.is_finite() {
            peak = peak.max(now);
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    Ok(peak)
}
