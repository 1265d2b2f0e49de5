//! Calls read aloud in Mandarin: text the way Chinese halls read it, a chime, speech from
//! espeak-ng's Mandarin voice (local, no internet), WAV rendering, and a player that queues
//! announcements so they never overlap and skips stale ones.
//!
//! Why espeak-ng: it is packaged by Debian, runs offline, and its `cmn-latn-pinyin` voice reads
//! Chinese characters as Mandarin and Latin letters the way halls say them (A = "ei"). The
//! plain `cmn` voice reads the characters' pinyin with English rules, so we never use it. Digits
//! are written as characters one by one (A零一二) so that 012 is not read as a number.

use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

pub const RATE: u32 = 22_050;
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

/// Speech samples (mono, 16-bit, [`RATE`] Hz) from espeak-ng.
pub fn speak(text: &str) -> anyhow::Result<Vec<i16>> {
    // espeak-ng's WAV on stdout has no sizes in its header (it streams), so use a file.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("hall-display-{}-{n}.wav", std::process::id()));
    let out = Command::new("espeak-ng")
        .args(["-v", VOICE, "-s", "150", "-w"])
        .arg(&path)
        .arg(text)
        .output()
        .context("cannot run espeak-ng (install the espeak-ng package)")?;
    let result = (|| {
        if !out.status.success() {
            bail!("espeak-ng failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let mut reader = hound::WavReader::open(&path).context("espeak-ng gave no WAV")?;
        let spec = reader.spec();
        if spec.sample_rate != RATE || spec.channels != 1 || spec.bits_per_sample != 16 {
            bail!("unexpected espeak-ng output: {} Hz, {} channels", spec.sample_rate, spec.channels);
        }
        Ok(reader.samples::<i16>().collect::<Result<Vec<_>, _>>()?)
    })();
    let _ = std::fs::remove_file(&path);
    result
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
pub fn announcement(template: &str, calls: &[(String, u32)], repeat: u32) -> anyhow::Result<Vec<i16>> {
    let mut out = chime();
    for (number, window) in calls {
        let speech = speak(&sentence(template, number, *window))?;
        for _ in 0..repeat.max(1) {
            out.extend(silence(0.8));
            out.extend_from_slice(&speech);
        }
    }
    out.extend(silence(0.3));
    Ok(out)
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
    pub queued: Instant,
}

/// Plays announcements one after another on a thread of its own. Jobs older than `max_age`
/// when their turn comes are skipped aloud (they were shown). Without a sound device it logs
/// that once and keeps going: the display never depends on audio.
pub struct Announcer {
    jobs: mpsc::Sender<Job>,
}

impl Announcer {
    pub fn start(template: String, repeat: u32, max_age: Duration) -> Announcer {
        let (jobs, rx) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new().name("announcer".into()).spawn(move || {
            let output = match rodio::OutputStream::try_default() {
                Ok(o) => Some(o),
                Err(e) => {
                    tracing::warn!(error = %e, "no sound output: calls are shown but not spoken");
                    None
                }
            };
            for job in rx {
                if job.queued.elapsed() > max_age {
                    tracing::info!(number = %job.number, "announcement skipped: too old");
                    continue;
                }
                let Some((_stream, handle)) = &output else { continue };
                let samples = match announcement(&template, &[(job.number.clone(), job.window)], repeat) {
                    Ok(s) => s,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot synthesise the announcement");
                        continue;
                    }
                };
                match rodio::Sink::try_new(handle) {
                    Ok(sink) => {
                        sink.append(rodio::buffer::SamplesBuffer::new(1, RATE, samples));
                        sink.sleep_until_end();
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot play the announcement"),
                }
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot start the announcer; calls are shown only");
        }
        Announcer { jobs }
    }

    pub fn announce(&self, number: &str, window: u32) {
        let _ = self.jobs.send(Job { number: number.to_string(), window, queued: Instant::now() });
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

    #[test]
    fn the_chime_is_audible_and_short() {
        let c = chime();
        let secs = c.len() as f32 / RATE as f32;
        assert!((1.0..1.3).contains(&secs), "{secs}");
        assert!(c.iter().map(|s| s.unsigned_abs()).max().unwrap() > 10_000);
    }
}
