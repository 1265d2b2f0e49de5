//! Calls read aloud in Mandarin: text the way Chinese halls read it, a chime, speech from the
//! neural voice (Kokoro-82M, offline, in its own process: [`engine`], [`neural`], with the
//! words' phonemes from a fixed table: [`phonemes`]) or from espeak-ng, WAV rendering, and a
//! player that queues announcements so they never overlap and skips stale ones.
//!
//! The neural voice falls back to espeak-ng (logged once for each reason) when its files are
//! missing, the engine fails (then for [`NEURAL_RETRY`], after which it is tried again), or a
//! sentence has a word outside the phoneme table.
//!
//! Why espeak-ng as the fallback: it is packaged by Debian, runs offline, and its `cmn-latn-pinyin` voice reads
//! Chinese characters as Mandarin and Latin letters the way halls say them (A = "ei"). The
//! plain `cmn` voice reads the characters' pinyin with English rules, so we never use it. Digits
//! are written as characters one by one (A零一二) so that 012 is not read as a number.

pub mod engine;
pub mod neural;
pub mod phonemes;

use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// The announcements' sample rate: the neural voice's own; espeak-ng's 22.05 kHz is resampled.
pub const RATE: u32 = engine::RATE;
const ESPEAK_RATE: u32 = 22_050;
pub const DEFAULT_TEMPLATE: &str = "请{number}号到{window}号窗口办理";
const VOICE: &str = "cmn-latn-pinyin";

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// `A012` -> `A零一二`: letters stay (read as letters), digits one by one.
pub fn spoken_number(number: &str) -> String {
    number
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => DIGITS[d as usize],
            None => c.to_ascii_uppercase(),
        })
        .collect()
}

/// A digit after a tens word: nothing for 0 (二十, not 二十零).
fn unit_digit(n: u32) -> String {
    match n % 10 {
        0 => String::new(),
        d => DIGITS[d as usize].to_string(),
    }
}

/// A window number read as a cardinal, the way 12号窗口 is said: 十二.
pub fn cardinal(n: u32) -> String {
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!("十{}", unit_digit(n)),
        20..=99 => format!("{}十{}", DIGITS[(n / 10) as usize], unit_digit(n)),
        100..=999 => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", DIGITS[rest as usize]),
                10..=19 => format!("一{}", cardinal(rest)),
                _ => cardinal(rest),
            };
            format!("{}百{tail}", DIGITS[(n / 100) as usize])
        }
        _ => n.to_string().chars().filter_map(|c| c.to_digit(10)).map(|d| DIGITS[d as usize]).collect(),
    }
}

/// The sentence for one call, from a template with `{number}` and `{window}`.
pub fn sentence(template: &str, number: &str, window: u32) -> String {
    template.replace("{number}", &spoken_number(number)).replace("{window}", &cardinal(window))
}

/// espeak-ng writing the speech of `text` to the WAV file `wav`.
pub fn espeak_command(text: &str, wav: &Path) -> Command {
    let mut cmd = Command::new("espeak-ng");
    cmd.args(["-v", VOICE, "-s", "150", "-w"]).arg(wav).arg(text);
    cmd
}

/// Speech samples (mono, 16-bit, [`RATE`] Hz) from espeak-ng.
pub fn speak(text: &str) -> anyhow::Result<Vec<i16>> {
    // espeak-ng's WAV on stdout has no sizes in its header (it streams), so use a file.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("hall-display-{}-{n}.wav", std::process::id()));
    let out = espeak_command(text, &path).output().context("cannot run espeak-ng (install the espeak-ng package)")?;
    let result = (|| {
        if !out.status.success() {
            bail!("espeak-ng failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let mut reader = hound::WavReader::open(&path).context("espeak-ng gave no WAV")?;
        let spec = reader.spec();
        if spec.sample_rate != ESPEAK_RATE || spec.channels != 1 || spec.bits_per_sample != 16 {
            bail!("unexpected espeak-ng output: {} Hz, {} channels", spec.sample_rate, spec.channels);
        }
        let samples = reader.samples::<i16>().map(|s| s.map(|s| s as f32 / 32768.0)).collect::<Result<Vec<_>, _>>()?;
        Ok(resample(&samples, ESPEAK_RATE))
    })();
    let _ = std::fs::remove_file(&path);
    result
}

/// Mono f32 samples at `from` Hz → 16-bit at [`RATE`] (linear interpolation: espeak-ng's
/// 22.05 kHz up to 24 kHz; the neural voice's 24 kHz as it is).
pub fn resample(samples: &[f32], from: u32) -> Vec<i16> {
    let pcm = |v: f32| (v.clamp(-1.0, 1.0) * i16::MAX as f32) as i16;
    if samples.is_empty() || from == RATE {
        return samples.iter().map(|v| pcm(*v)).collect();
    }
    let step = from as f64 / RATE as f64;
    let n = ((samples.len() - 1) as f64 / step) as usize + 1;
    (0..n)
        .map(|i| {
            let x = i as f64 * step;
            let j = x as usize;
            let f = (x - j as f64) as f32;
            let next = samples.get(j + 1).copied().unwrap_or(samples[j]);
            pcm(samples[j] * (1.0 - f) + next * f)
        })
        .collect()
}

/// A two-note chime (high, then low), each note fading out.
pub fn chime() -> Vec<i16> {
    let mut out = Vec::new();
    for (freq, secs) in [(784.0_f32, 0.45_f32), (523.25, 0.7)] {
        let n = (RATE as f32 * secs) as usize;
        for i in 0..n {
            let t = i as f32 / RATE as f32;
            let fade = (1.0 - i as f32 / n as f32).powf(1.5);
            let attack = (i as f32 / (RATE as f32 * 0.01)).min(1.0);
            let v = (2.0 * std::f32::consts::PI * freq * t).sin() * 0.45 * fade * attack;
            out.push((v * i16::MAX as f32) as i16);
        }
    }
    out
}

pub fn silence(secs: f32) -> Vec<i16> {
    vec![0; (RATE as f32 * secs) as usize]
}

/// The whole announcement of some calls: the chime, then each sentence `repeat` times.
pub fn announcement(speaker: &mut Speaker, calls: &[(String, u32)], repeat: u32) -> anyhow::Result<Vec<i16>> {
    let mut out = chime();
    for (number, window) in calls {
        out.extend(spoken(&speaker.speech(number, *window)?, repeat));
    }
    out.extend(silence(0.3));
    Ok(out)
}

/// The pause between the chime and the speech, and between repeats, in seconds.
pub const PAUSE_SECS: f32 = 0.8;

/// A call's speech said `repeat` times, each after a pause (the chime comes before).
fn spoken(speech: &[i16], repeat: u32) -> Vec<i16> {
    let mut out = Vec::new();
    for _ in 0..repeat.max(1) {
        out.extend(silence(PAUSE_SECS));
        out.extend_from_slice(speech);
    }
    out
}

/// Which voice speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Neural,
    Espeak,
}

/// Turns calls into speech: the neural voice when it can, espeak-ng otherwise. Keeps the last
/// calls' speech so that a call said again (a repeat, a recall) is not synthesised again.
pub struct Speaker {
    mode: Mode,
    template: String,
    voice_dir: PathBuf,
    voice: String,
    neural: Option<neural::Neural>,
    /// After the neural voice failed (files missing, the engine would not start or failed),
    /// espeak-ng speaks until then; the neural voice is tried again after it (an engine that
    /// crashed once, or files installed while the display runs, do not leave the hall with
    /// espeak-ng until a restart).
    neural_paused_until: Option<Instant>,
    retry_after: Duration,
    logged: HashSet<&'static str>,
    recent: VecDeque<((String, u32), Vec<i16>)>,
}

const KEPT: usize = 8;

/// How long espeak-ng speaks after the neural voice failed before it is tried again.
pub const NEURAL_RETRY: Duration = Duration::from_secs(300);

impl Speaker {
    /// `program`: the hall-display binary (it runs the engine); `voice`: a voice's name.
    pub fn new(mode: Mode, template: &str, voice: &str, program: PathBuf) -> Speaker {
        Speaker::with_dir(mode, template, voice, program, engine::dir())
    }

    pub fn with_dir(mode: Mode, template: &str, voice: &str, program: PathBuf, voice_dir: PathBuf) -> Speaker {
        Speaker {
            mode,
            template: template.to_string(),
            neural: Some(neural::Neural::new(program, voice)),
            voice: voice.to_string(),
            voice_dir,
            neural_paused_until: None,
            retry_after: NEURAL_RETRY,
            logged: HashSet::new(),
            recent: VecDeque::new(),
        }
    }

    /// Speech of one call (mono, 16-bit, [`RATE`] Hz).
    pub fn speech(&mut self, number: &str, window: u32) -> anyhow::Result<Vec<i16>> {
        let key = (number.to_ascii_uppercase(), window);
        if let Some((_, s)) = self.recent.iter().find(|(k, _)| *k == key) {
            return Ok(s.clone());
        }
        let s = match self.neural_speech(number, window) {
            Some(s) => s,
            None => speak(&sentence(&self.template, number, window))?,
        };
        if self.recent.len() == KEPT {
            self.recent.pop_front();
        }
        self.recent.push_back((key, s.clone()));
        Ok(s)
    }

    /// Whether the neural voice is the one that speaks now: not off, not paused after a failure.
    pub fn uses_neural(&self) -> bool {
        self.mode == Mode::Neural && self.neural_paused_until.is_none_or(|t| Instant::now() >= t)
    }

    /// espeak-ng speaks for [`NEURAL_RETRY`], then the neural voice is tried again.
    fn pause_neural(&mut self) {
        self.neural_paused_until = Some(Instant::now() + self.retry_after);
    }

    fn neural_speech(&mut self, number: &str, window: u32) -> Option<Vec<i16>> {
        if !self.uses_neural() {
            return None;
        }
        if let Some(path) = engine::missing(&self.voice_dir, &self.voice) {
            self.fall_back("missing", &format!("{} is missing (run scripts/voice-setup.sh)", path.display()));
            self.pause_neural();
            return None;
        }
        let ph = match phonemes::call(&self.template, number, window) {
            Ok(p) => p,
            Err(e) => {
                self.fall_back("word", &e.to_string());
                return None;
            }
        };
        let t = Instant::now();
        match self.neural.as_mut().map(|n| n.synthesize(&ph)) {
            Some(Ok(samples)) => {
                if self.neural_paused_until.take().is_some() {
                    tracing::info!("the neural voice speaks again");
                    self.logged.clear();
                }
                tracing::debug!(number, ms = t.elapsed().as_millis() as u64, "neural speech");
                Some(resample(&samples, engine::RATE))
            }
            Some(Err(e)) => {
                self.fall_back("engine", &format!("{e:#}"));
                self.pause_neural();
                None
            }
            None => None,
        }
    }

    /// Logs once for each kind of reason that espeak-ng speaks instead.
    fn fall_back(&mut self, kind: &'static str, why: &str) {
        if self.logged.insert(kind) {
            tracing::warn!(reason = why, "neural voice unavailable: espeak-ng speaks instead");
        }
    }
}

pub fn write_wav(path: &Path, samples: &[i16]) -> anyhow::Result<()> {
    let spec =
        hound::WavSpec { channels: 1, sample_rate: RATE, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut w = hound::WavWriter::create(path, spec).with_context(|| format!("cannot write {}", path.display()))?;
    for s in samples {
        w.write_sample(*s)?;
    }
    w.finalize()?;
    Ok(())
}

/// One call to announce.
#[derive(Debug, Clone)]
pub struct Job {
    pub number: String,
    pub window: u32,
    /// When the call was made (ms since the epoch, the server's time): which call this is.
    pub called_ms: i64,
    pub queued: Instant,
}

/// Where announcements are played: the sound card, or a recorder in tests.
pub trait Output: 'static {
    /// Queues samples after what is already queued; returns at once.
    fn append(&mut self, samples: Vec<i16>);
    /// Returns when everything queued has been played.
    fn wait_until_end(&mut self);
}

/// The sound card (rodio's default output), opened on the player's thread; without one it logs
/// that once and plays nothing.
struct SoundCard {
    output: Option<(rodio::OutputStream, rodio::OutputStreamHandle)>,
    sink: Option<rodio::Sink>,
}

impl SoundCard {
    fn open() -> SoundCard {
        let output = match rodio::OutputStream::try_default() {
            Ok(o) => Some(o),
            Err(e) => {
                tracing::warn!(error = %e, "no sound output: calls are shown but not spoken");
                None
            }
        };
        SoundCard { output, sink: None }
    }
}

impl Output for SoundCard {
    fn append(&mut self, samples: Vec<i16>) {
        let Some((_, handle)) = &self.output else { return };
        if self.sink.is_none() {
            match rodio::Sink::try_new(handle) {
                Ok(sink) => self.sink = Some(sink),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot play the announcement");
                    return;
                }
            }
        }
        if let Some(sink) = &self.sink {
            sink.append(rodio::buffer::SamplesBuffer::new(1, RATE, samples));
        }
    }

    fn wait_until_end(&mut self) {
        if let Some(sink) = self.sink.take() {
            sink.sleep_until_end();
        }
    }
}

/// How long an announcement may wait for its turn before it is skipped: calls that arrived
/// fresh are all spoken even when a hall's windows all call at opening (11 windows × about 12 s,
/// repeated twice, is over 2 minutes); only a queue grown out of all proportion (the audio
/// stuck) is cut. Never shorter than `stale_after` (a call older than that on arrival is not
/// announced at all: the controller's rule, after an outage).
pub fn queue_limit(stale_after: Duration) -> Duration {
    stale_after.max(Duration::from_secs(10 * 60))
}

/// Plays announcements one after another on a thread of its own; a second thread makes the
/// speech as soon as a call arrives (the chime of a call plays at its turn, without waiting for
/// its speech). Jobs older than `max_age` when their turn comes are skipped aloud (they were
/// shown). Without a sound device it logs that once and keeps going: the display never
/// depends on audio.
/// A call taken back: (number, window, when it was made in ms, when the display heard of it).
type Withdrawn = (String, u32, i64, Instant);

pub struct Announcer {
    jobs: mpsc::Sender<Job>,
    /// Calls taken back (the ticket went back to the queue before its citizen came): not said
    /// if still waiting their turn.
    withdrawn: std::sync::Arc<std::sync::Mutex<Vec<Withdrawn>>>,
}

impl Announcer {
    pub fn start(speaker: Speaker, repeat: u32, max_age: Duration) -> Announcer {
        // The sound card is opened on the player's own thread (rodio's stream stays there).
        Announcer::start_playing(speaker, repeat, max_age, SoundCard::open)
    }

    /// [`Announcer::start`] with the output given (opened on the player's thread).
    pub fn start_playing<O: Output>(
        mut speaker: Speaker,
        repeat: u32,
        max_age: Duration,
        open: impl FnOnce() -> O + Send + 'static,
    ) -> Announcer {
        let (jobs, rx) = mpsc::channel::<Job>();
        let (to_player, player_jobs) = mpsc::channel::<(Job, mpsc::Receiver<Vec<i16>>)>();
        let withdrawn = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Withdrawn>::new()));
        let taken_back = withdrawn.clone();
        let synth = std::thread::Builder::new().name("speech".into()).spawn(move || {
            for job in rx {
                let (tx, speech) = mpsc::channel();
                if to_player.send((job.clone(), speech)).is_err() {
                    break;
                }
                if job.queued.elapsed() > max_age {
                    continue; // the player skips it
                }
                match speaker.speech(&job.number, job.window) {
                    Ok(s) => {
                        let _ = tx.send(s);
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot synthesise the announcement"),
                }
            }
        });
        let player = std::thread::Builder::new().name("announcer".into()).spawn(move || {
            let mut output = open();
            for (job, speech) in player_jobs {
                if job.queued.elapsed() > max_age {
                    tracing::info!(number = %job.number, "announcement skipped: too old");
                    continue;
                }
                let gone =
                    taken_back.lock().unwrap_or_else(|e| e.into_inner()).iter().any(|(n, w, called_ms, _)| {
                        *n == job.number && *w == job.window && job.called_ms == *called_ms
                    });
                if gone {
                    tracing::info!(number = %job.number, "announcement skipped: the call was taken back");
                    continue;
                }
                // The chime at once; the speech when it is ready (it plays after the chime).
                output.append(chime());
                if let Ok(s) = speech.recv() {
                    let mut out = spoken(&s, repeat);
                    out.extend(silence(0.3));
                    output.append(out);
                }
                output.wait_until_end();
            }
        });
        if let Err(e) = synth.and(player) {
            tracing::warn!(error = %e, "cannot start the announcer; calls are shown only");
        }
        Announcer { jobs, withdrawn }
    }

    /// The call of `number` to `window` made at `called_ms` (ms since the epoch).
    pub fn announce(&self, number: &str, window: u32, called_ms: i64) {
        let _ = self.jobs.send(Job { number: number.to_string(), window, called_ms, queued: Instant::now() });
    }

    /// The call of `number` to `window` made at `called_ms` was taken back: not said if it has
    /// not been yet. Another call of the same number to the same window (the ticket called again
    /// there: heard after a reconnection, before this older news) is still said.
    pub fn withdraw(&self, number: &str, window: u32, called_ms: i64) {
        let mut w = self.withdrawn.lock().unwrap_or_else(|e| e.into_inner());
        w.retain(|(_, _, _, heard)| heard.elapsed() < Duration::from_secs(600));
        w.push((number.to_string(), window, called_ms, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_digit_by_digit() {
        let check = |n: &str, expected: &str| assert_eq!(spoken_number(n), expected);
        check("A012", "A零一二");
        check("b100", "B一零零");
        check("C1000", "C一零零零");
    }

    #[test]
    fn window_numbers_are_cardinals() {
        let check = |n, expected: &str| assert_eq!(cardinal(n), expected, "{n}");
        check(3, "三");
        check(10, "十");
        check(12, "十二");
        check(20, "二十");
        check(35, "三十五");
        check(100, "一百");
        check(105, "一百零五");
        check(110, "一百一十");
        check(123, "一百二十三");
    }

    #[test]
    fn the_template_makes_the_sentence() {
        assert_eq!(sentence(DEFAULT_TEMPLATE, "A012", 3), "请A零一二号到三号窗口办理");
        assert_eq!(sentence("{number}号请到{window}号", "B7", 11), "B七号请到十一号");
    }

    fn dummy_voice_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("lib")).unwrap();
        std::fs::create_dir_all(dir.path().join("voices")).unwrap();
        for f in [engine::MODEL, engine::LIBRARY, "voices/zf_xiaoyi.bin"] {
            std::fs::write(dir.path().join(f), b"not a model").unwrap();
        }
        dir
    }

    fn speaker(template: &str, dir: &Path, program: &str) -> Speaker {
        Speaker::with_dir(Mode::Neural, template, "zf_xiaoyi", PathBuf::from(program), dir.to_path_buf())
    }

    /// espeak-ng's speech of a call, for comparison.
    fn espeak(template: &str) -> Vec<i16> {
        speak(&sentence(template, "A012", 3)).unwrap()
    }

    /// The first call with `template` falls back to espeak-ng with one logged `reason`; whether
    /// the neural voice may still be used after it is `neural_after`.
    fn check(dir: &Path, template: &str, program: &str, reason: &str, neural_after: bool) {
        let mut s = speaker(template, dir, program);
        assert_eq!(s.speech("A012", 3).unwrap(), espeak(template), "{reason}");
        s.speech("B001", 4).unwrap();
        assert_eq!(s.uses_neural(), neural_after, "{reason}");
        assert_eq!(s.logged.iter().copied().collect::<Vec<_>>(), [reason], "logged once");
    }

    #[test]
    fn espeak_speaks_when_the_neural_voice_cannot_and_says_why_once() {
        let (empty, voice) = (tempfile::tempdir().unwrap(), dummy_voice_dir());
        // No model: neural is not tried again.
        check(empty.path(), DEFAULT_TEMPLATE, "/nonexistent", "missing", false);
        // An engine that fails leaves espeak-ng speaking.
        check(voice.path(), DEFAULT_TEMPLATE, "/nonexistent/hall-display", "engine", false);
        // A word outside the table: that sentence by espeak-ng; others may still use the neural voice.
        check(voice.path(), "请{number}号到{window}号窗口喝茶", "/nonexistent/hall-display", "word", true);
    }

    /// After a failure espeak-ng speaks for a while; then the engine is tried again.
    #[test]
    fn the_neural_voice_is_tried_again_after_a_pause() {
        let voice = dummy_voice_dir();
        // An engine that fails to start, counting its starts.
        let program = voice.path().join("fake-display");
        let starts = voice.path().join("starts");
        std::fs::write(&program, format!("#!/bin/sh\necho started >> '{}'\nexit 1\n", starts.display())).unwrap();
        std::fs::set_permissions(&program, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let started = || std::fs::read_to_string(&starts).map(|s| s.lines().count()).unwrap_or(0);
        let check = |retry_after: Duration, calls: u32, starts_then: usize| {
            let _ = std::fs::remove_file(&starts);
            let mut s = speaker(DEFAULT_TEMPLATE, voice.path(), program.to_str().unwrap());
            s.retry_after = retry_after;
            for w in 1..=calls {
                s.speech("A012", w).unwrap();
            }
            assert_eq!(started(), starts_then, "retry after {retry_after:?}");
            assert_eq!(s.uses_neural(), retry_after.is_zero(), "retry after {retry_after:?}");
        };
        check(NEURAL_RETRY, 3, 1); // paused: espeak-ng for the next calls
        check(Duration::ZERO, 3, 3); // each call tries again once the pause is over
    }

    /// What the player did, as a recorder output sees it.
    #[derive(Debug, Clone, PartialEq)]
    enum Played {
        Chime,
        Speech,
        End,
    }

    struct Recorder(mpsc::Sender<(Instant, Played)>);

    impl Output for Recorder {
        fn append(&mut self, samples: Vec<i16>) {
            let what = if samples == chime() { Played::Chime } else { Played::Speech };
            let _ = self.0.send((Instant::now(), what));
        }
        fn wait_until_end(&mut self) {
            let _ = self.0.send((Instant::now(), Played::End));
        }
    }

    /// An announcer whose engine takes a second for each sentence, playing into a recorder (the
    /// voice folder is kept with it).
    fn slow_announcer() -> (Announcer, mpsc::Receiver<(Instant, Played)>, tempfile::TempDir) {
        let voice = dummy_voice_dir();
        let program = voice.path().join("slow-engine");
        std::fs::write(&program, "#!/bin/sh\necho READY\nwhile read line; do sleep 1; echo 'OK 0'; done\n").unwrap();
        std::fs::set_permissions(&program, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let speaker = speaker(DEFAULT_TEMPLATE, voice.path(), program.to_str().unwrap());
        let (tx, played) = mpsc::channel();
        (Announcer::start_playing(speaker, 1, Duration::from_secs(60), move || Recorder(tx)), played, voice)
    }

    /// The chime plays when the call arrives, not when its speech is ready; two calls are said
    /// one after the other, never over each other.
    #[test]
    fn the_chime_does_not_wait_for_the_speech_and_calls_never_overlap() {
        let (announcer, played, _voice) = slow_announcer();
        let called = Instant::now();
        announcer.announce("A012", 3, 1);
        announcer.announce("B013", 4, 2);
        let next = || played.recv_timeout(Duration::from_secs(20)).expect("the player played nothing");
        let (at, what) = next();
        assert_eq!(what, Played::Chime);
        assert!(at - called < Duration::from_millis(500), "the chime waited {:?}", at - called);
        let (speech_at, what) = next();
        assert_eq!(what, Played::Speech);
        assert!(speech_at - called >= Duration::from_secs(1), "speech before its synthesis");
        let rest: Vec<Played> = (0..4).map(|_| next().1).collect();
        assert_eq!(rest, [Played::End, Played::Chime, Played::Speech, Played::End]);
    }

    /// A call taken back while it waits its turn (the one before it still being said) is not said.
    #[test]
    fn a_call_taken_back_before_its_turn_is_not_said() {
        let (announcer, played, _voice) = slow_announcer();
        announcer.announce("A012", 3, 1);
        announcer.announce("B013", 4, 2);
        announcer.withdraw("B013", 4, 2);
        announcer.announce("C014", 5, 3);
        let next = || played.recv_timeout(Duration::from_secs(20)).expect("the player played nothing").1;
        let heard: Vec<Played> = (0..6).map(|_| next()).collect();
        let two = [Played::Chime, Played::Speech, Played::End];
        assert_eq!(heard, [two.clone(), two].concat(), "A012 and C014, not B013");
        assert!(played.recv_timeout(Duration::from_secs(2)).is_err(), "nothing more");
    }

    /// The taking back of an older call of the same number and window (heard after a
    /// reconnection, once the newer call was queued) does not silence the newer call.
    #[test]
    fn a_call_made_again_after_it_was_taken_back_is_said() {
        let (announcer, played, _voice) = slow_announcer();
        announcer.announce("Z001", 1, 1_000);
        announcer.announce("A012", 3, 20_000);
        announcer.withdraw("A012", 3, 5_000);
        let next = || played.recv_timeout(Duration::from_secs(20)).expect("the player played nothing").1;
        let heard: Vec<Played> = (0..6).map(|_| next()).collect();
        let two = [Played::Chime, Played::Speech, Played::End];
        assert_eq!(heard, [two.clone(), two].concat(), "Z001, then A012's newer call");
    }

    #[test]
    fn every_window_calling_at_opening_is_spoken() {
        // About 12 s an announcement (chime, twice the sentence, pauses) at the default repeat:
        // the sample hall's 11 windows calling at 08:30 wait up to 2 minutes for their turn.
        let burst = Duration::from_secs(11 * 12);
        for stale_after in [0, 60, 300] {
            assert!(queue_limit(Duration::from_secs(stale_after)) > burst, "stale_after {stale_after}");
        }
        assert_eq!(queue_limit(Duration::from_secs(900)), Duration::from_secs(900));
    }

    #[test]
    fn a_repeated_call_reuses_its_speech() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Speaker::with_dir(Mode::Espeak, DEFAULT_TEMPLATE, "zf_xiaoyi", "x".into(), dir.path().into());
        let first = s.speech("a012", 3).unwrap();
        assert_eq!(s.recent.len(), 1);
        assert_eq!(s.speech("A012", 3).unwrap(), first);
        assert_eq!(s.recent.len(), 1, "said again from memory");
        for w in 1..=KEPT as u32 + 2 {
            s.speech("A1", w).unwrap();
        }
        assert_eq!(s.recent.len(), KEPT);
    }

    #[test]
    fn speech_is_resampled_to_the_announcements_rate() {
        let check = |input: Vec<f32>, from: u32, len: usize, first: i16| {
            let out = resample(&input, from);
            assert_eq!(out.len(), len);
            assert_eq!(out.first().copied().unwrap_or(0), first);
        };
        check(vec![0.5; 22_050], 22_050, 23_999, i16::MAX / 2);
        check(vec![2.0; 240], 24_000, 240, i16::MAX);
        check(vec![-0.25; 48_000], 48_000, 24_000, -i16::MAX / 4);
        check(Vec::new(), 22_050, 0, 0);
    }

    #[test]
    fn the_chime_is_audible_and_short() {
        let c = chime();
        let secs = c.len() as f32 / RATE as f32;
        assert!((1.0..1.3).contains(&secs), "{secs}");
        assert!(c.iter().map(|s| s.unsigned_abs()).max().unwrap() > 10_000);
    }
}
