//! Runs the display: the client and the controller on a tokio runtime of their own thread,
//! the UI on the main thread, talking only through `upgrade_in_event_loop`.

use std::time::Duration;

use chrono::Utc;
use chrono_tz::Tz;
use slint::ComponentHandle;
use tokio::sync::mpsc;

use crate::client::{Client, Feed};
use crate::controller::{Effect, Model, Settings};
use crate::view::View;
use crate::voice::Announcer;
use crate::MainWindow;

pub struct Options {
    pub server: String,
    /// The HTTP client (with the private CA of an https:// server): `client::http_client`.
    pub http: reqwest::Client,
    /// zh or en.
    pub lang: String,
    pub settings: Settings,
    /// Who speaks the calls (None: nobody).
    pub voice: Option<crate::voice::Mode>,
    /// The neural voice's name (a file in the voice directory's voices/).
    pub voice_name: String,
    pub template: String,
    pub repeat: u32,
    /// Announcements waiting longer than this for their turn are skipped aloud
    /// ([`crate::voice::queue_limit`]).
    pub voice_max_age: Duration,
    pub english: bool,
    pub fullscreen: bool,
}

pub fn run(opts: Options) -> anyhow::Result<()> {
    let ui = MainWindow::new()?;
    crate::select_language(&opts.lang)?; // after the first component exists
    if opts.fullscreen {
        ui.window().set_fullscreen(true);
    }
    let first = View::of(&Model::new(opts.settings.clone()), Utc::now(), chrono_tz::Asia::Shanghai, opts.english);
    first.show(&ui, None);
    let weak = ui.as_weak();
    let controller = std::thread::Builder::new().name("display-controller".into()).spawn(move || {
        let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                tracing::error!(error = %e, "cannot start the runtime");
                return;
            }
        };
        rt.block_on(control(opts, weak));
    })?;
    ui.run()?;
    drop(controller); // the controller thread ends with the process
    Ok(())
}

/// Applies the feed to the model, speaks what must be spoken, and refreshes the screen on
/// every change and every second (the clock).
async fn control(opts: Options, ui: slint::Weak<MainWindow>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    tokio::spawn(Client::new(&opts.server, opts.http.clone()).follow(tx));
    let announcer = opts.voice.map(|mode| {
        let program = std::env::current_exe().unwrap_or_else(|_| "hall-display".into());
        let speaker = crate::voice::Speaker::new(mode, &opts.template, &opts.voice_name, program);
        Announcer::start(speaker, opts.repeat, opts.voice_max_age)
    });
    let mut model = Model::new(opts.settings.clone());
    // The server's clock once a snapshot told it; this machine's until then.
    let mut server: Option<crate::client::ServerClock> = None;
    let now = |server: &Option<crate::client::ServerClock>| match server {
        Some(c) => c.at(std::time::Instant::now()),
        None => Utc::now(),
    };
    let mut tz: Tz = chrono_tz::Asia::Shanghai;
    let mut shown: Option<View> = None;
    let http = opts.http.clone();
    let mut photo_url = String::new();
    // Which photo is wanted now: a slow one of the clerk before is not put up over the next's.
    let photo_wanted = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    // A photo the server could not give (down, restarting, slow): asked again a while later.
    let photo_retry = std::sync::Arc::new(std::sync::Mutex::new(PhotoRetry::default()));
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            feed = rx.recv() => {
                let Some(feed) = feed else { return };
                match feed {
                    Feed::ServerTime(c) => server = Some(c),
                    Feed::Input(input) => {
                        if let crate::controller::Input::Snapshot(s) = &input {
                            tz = s.hall.timezone.parse().unwrap_or(tz);
                        }
                        for effect in model.apply(input, now(&server)) {
                            let Some(a) = &announcer else { continue };
                            match effect {
                                Effect::Announce(call) => {
                                    a.announce(&call.number, call.window_number, call.at.timestamp_millis())
                                }
                                Effect::Withdraw { number, window, called_at } => {
                                    a.withdraw(&number, window, called_at.timestamp_millis())
                                }
                            }
                        }
                    }
                }
            }
            _ = tick.tick() => {}
        }
        let view = View::of(&model, now(&server), tz, opts.english);
        let again = lock(&photo_retry).due(&view.staff_photo_url, std::time::Instant::now());
        if view.staff_photo_url != photo_url || again {
            // Fetched aside, so that a slow photo never delays a call. Another clerk's photo
            // is taken down at once (not left beside the new name until the new one comes).
            let changed = view.staff_photo_url != photo_url;
            photo_url = view.staff_photo_url.clone();
            let (http, server, url, ui) = (http.clone(), opts.server.clone(), photo_url.clone(), ui.clone());
            let (wanted, retry) = (photo_wanted.clone(), photo_retry.clone());
            let this = wanted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            if changed {
                let _ = ui.upgrade_in_event_loop(|ui| View::show_photo(&ui, None));
            }
            tokio::spawn(async move {
                let photo = match url.is_empty() {
                    true => None,
                    false => match fetch_photo(&http, &server, &url).await {
                        Ok(photo) => photo,
                        Err(()) => {
                            lock(&retry).failed(&url, std::time::Instant::now());
                            None
                        }
                    },
                };
                let _ = ui.upgrade_in_event_loop(move |ui| {
                    if wanted.load(std::sync::atomic::Ordering::SeqCst) == this {
                        View::show_photo(&ui, photo.as_ref());
                    }
                });
            });
        }
        if shown.as_ref() != Some(&view) {
            let before = shown.replace(view.clone());
            let sent = ui.upgrade_in_event_loop(move |ui| view.show(&ui, before.as_ref()));
            if sent.is_err() {
                return; // the window is gone
            }
        }
    }
}

fn lock(retry: &std::sync::Mutex<PhotoRetry>) -> std::sync::MutexGuard<'_, PhotoRetry> {
    retry.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The staff photo the server could not give (down, restarting, too slow) and when to ask for
/// it again; a photo the server says it does not have (404) or that is no image is not asked
/// again.
#[derive(Debug, Default)]
struct PhotoRetry(Option<(String, std::time::Instant)>);

impl PhotoRetry {
    const AFTER: Duration = Duration::from_secs(30);

    fn failed(&mut self, url: &str, now: std::time::Instant) {
        self.0 = Some((url.to_string(), now + Self::AFTER));
    }

    /// Whether `url`, the photo wanted now, is to be asked for again now (once per failure).
    fn due(&mut self, url: &str, now: std::time::Instant) -> bool {
        let due = matches!(&self.0, Some((u, at)) if u == url && now >= *at);
        if due || self.0.as_ref().is_some_and(|(u, _)| u != url) {
            self.0 = None;
        }
        due
    }
}

/// Downloads and decodes a staff photo: `Ok(None)` for one the server does not have or that is
/// no image (shown as none), `Err` when the server could not be asked (asked again later).
async fn fetch_photo(
    http: &reqwest::Client,
    server: &str,
    path: &str,
) -> Result<Option<slint::SharedPixelBuffer<slint::Rgba8Pixel>>, ()> {
    let url = format!("{}{path}", server.trim_end_matches('/'));
    let answer = http.get(&url).timeout(Duration::from_secs(10)).send().await;
    let bytes = match answer {
        Ok(r) if r.status().is_client_error() => {
            tracing::warn!(status = %r.status(), "the staff photo is not there");
            return Ok(None);
        }
        Ok(r) => match r.error_for_status() {
            Ok(r) => r.bytes().await.map_err(|e| tracing::warn!(error = %e, "cannot load the staff photo"))?,
            Err(e) => {
                tracing::warn!(error = %e, "cannot load the staff photo; asked again later");
                return Err(());
            }
        },
        Err(e) => {
            tracing::warn!(error = %e, "cannot load the staff photo; asked again later");
            return Err(());
        }
    };
    // Decoded off the event loop that follows the server: a phone's 12-megapixel photo takes
    // long enough on a small display PC to hold calls back.
    let img = match tokio::task::spawn_blocking(move || decode_photo(&bytes)).await {
        Ok(Ok(img)) => img,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "the staff photo is not a readable image");
            return Ok(None);
        }
        Err(e) => {
            tracing::warn!(error = %e, "decoding the staff photo failed");
            return Ok(None);
        }
    };
    Ok(Some(slint::SharedPixelBuffer::clone_from_slice(img.as_raw(), img.width(), img.height())))
}

/// The largest side a staff photo is kept at: the window display shows it a few hundred pixels
/// tall, and a phone's photo in full would hold tens of megabytes in the display's memory.
pub const PHOTO_SIDE: u32 = 480;

/// A staff photo's pixels, made no larger than [`PHOTO_SIDE`] on either side.
pub fn decode_photo(bytes: &[u8]) -> image::ImageResult<image::RgbaImage> {
    let img = image::load_from_memory(bytes)?;
    let img =
        if img.width() > PHOTO_SIDE || img.height() > PHOTO_SIDE { img.thumbnail(PHOTO_SIDE, PHOTO_SIDE) } else { img };
    Ok(img.into_rgba8())
}

#[cfg(test)]
mod tests {
    use super::{decode_photo, PhotoRetry, PHOTO_SIDE};

    /// A photo the server could not give is asked for again after a while, once per failure,
    /// and only while it is still the clerk's at that window.
    #[test]
    fn a_photo_that_failed_is_asked_again_later_while_still_wanted() {
        let t0 = std::time::Instant::now();
        let later = t0 + PhotoRetry::AFTER;
        let mut r = PhotoRetry::default();
        assert!(!r.due("/api/staff/clerk3/photo", later), "nothing failed");
        r.failed("/api/staff/clerk3/photo", t0);
        assert!(!r.due("/api/staff/clerk3/photo", t0), "not at once");
        assert!(r.due("/api/staff/clerk3/photo", later), "after the pause");
        assert!(!r.due("/api/staff/clerk3/photo", later), "once per failure");
        r.failed("/api/staff/clerk3/photo", t0);
        assert!(!r.due("/api/staff/clerk4/photo", later), "another clerk signed in there since");
        assert!(!r.due("/api/staff/clerk3/photo", later), "forgotten with the clerk");
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbaImage::new(width, height).write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_large_photo_is_kept_small_and_a_broken_one_refused() {
        let check = |w: u32, h: u32, expected: (u32, u32)| {
            let img = decode_photo(&png(w, h)).unwrap();
            assert_eq!((img.width(), img.height()), expected, "{w}×{h}");
        };
        check(4000, 3000, (PHOTO_SIDE, 360));
        check(1000, 2000, (240, PHOTO_SIDE));
        check(300, 400, (300, 400));
        assert!(decode_photo(b"not an image").is_err());
    }
}
