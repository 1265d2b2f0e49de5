//! Renders every screen to PNG without a display (slint's testing backend and software
//! renderer), in Chinese and English: for the README and for anyone checking a layout.

use std::path::Path;

use slint::ComponentHandle;

use crate::view::View;
use crate::MainWindow;

/// A busy moment in the sample hall.
pub fn sample(english: bool, window_mode: bool) -> View {
    let recent = [
        ("B012", 3, "民政窗口（二）"),
        ("C031", 5, "社保窗口（一）"),
        ("A007", 1, "综合受理窗口"),
        ("D004", 9, "自然资源窗口"),
        ("C030", 6, "社保窗口（二）"),
        ("E002", 8, "卫健计生窗口"),
    ];
    View {
        hall_name: "青石镇便民服务中心".into(),
        notice: "办事请携带本人有效身份证件；一次性告知所需材料，详见自助取号机或各窗口公示。监督电话：0571-6688 1234"
            .into(),
        date: if english { "2026-11-25 Wed".into() } else { "2026年11月25日 星期三".into() },
        clock: "09:42:17".into(),
        live: true,
        link_text: String::new(),
        has_call: true,
        number: "B012".into(),
        window_number: 3,
        window_name: "民政窗口（二）".into(),
        recall: false,
        booked: false,
        flashing: false,
        recent: recent.iter().map(|(n, w, name)| (n.to_string(), *w, name.to_string(), false, false)).collect(),
        queues: vec![
            ("A".into(), "综合咨询".into(), 2, 8, false),
            ("B".into(), "民政残联".into(), 11, 35, false),
            ("C".into(), "社保就业".into(), 17, 25, false),
            ("D".into(), "国土住建林业".into(), 6, 30, false),
            ("E".into(), "卫健计生".into(), 4, 20, false),
        ],
        window_mode,
        my_window_number: 3,
        my_window_name: "民政窗口（二）".into(),
        my_window_open: true,
        my_window_state: String::new(),
        my_serving: "B012".into(),
        my_serving_booked: false,
        staff_name: "陈建国".into(),
        staff_no: "QS-2016-008".into(),
        stand_in: false,
        staff_photo_url: "/api/staff/clerk3/photo".into(),
        matters: vec![
            "最低生活保障申请".into(),
            "特困人员救助供养申请".into(),
            "临时救助申请".into(),
            "高龄津贴申领".into(),
            "事实无人抚养儿童认定申请".into(),
            "惠民殡葬基本服务费用减免申请".into(),
        ],
    }
}

/// A neutral portrait placeholder (no real person), standing in for a configured staff photo.
pub fn placeholder_photo() -> slint::SharedPixelBuffer<slint::Rgba8Pixel> {
    let (w, h) = (180u32, 220u32);
    let mut buf = slint::SharedPixelBuffer::<slint::Rgba8Pixel>::new(w, h);
    let px = buf.make_mut_slice();
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as f32, y as f32);
            let head = ((fx - 90.0).powi(2) + (fy - 85.0).powi(2)).sqrt() < 42.0;
            let body = ((fx - 90.0) / 78.0).powi(2) + ((fy - 225.0) / 95.0).powi(2) < 1.0;
            let c = if head || body { (0x5b, 0x6f, 0x86) } else { (0xd9, 0xe4, 0xef) };
            px[(y * w + x) as usize] = slint::Rgba8Pixel { r: c.0, g: c.1, b: c.2, a: 255 };
        }
    }
    buf
}

/// The sample with its newest call, B012, and A007 before it, called by appointment.
pub fn booked(mut v: View) -> View {
    v.booked = true;
    for r in &mut v.recent {
        r.4 = r.0 == "B012" || r.0 == "A007";
    }
    v
}

/// The window display of the sample, serving B012 that came by appointment.
pub fn booked_at_window(v: View) -> View {
    View { my_serving_booked: true, ..booked(v) }
}

fn render(ui: &MainWindow, view: &View, width: u32, height: u32, path: &Path) -> anyhow::Result<()> {
    ui.window().set_size(slint::PhysicalSize::new(width, height));
    view.show(ui, None);
    View::show_photo(ui, (!view.staff_photo_url.is_empty()).then(placeholder_photo).as_ref());
    hall_snapshot::save_png(ui.window(), path)
}

pub use hall_snapshot::headless;

/// Writes lobby (landscape, portrait, recall, connection lost) and window-display screens.
pub fn all(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    headless()?;
    let ui = MainWindow::new()?;
    for (lang, english) in [("zh", false), ("en", true)] {
        crate::select_language(lang)?;
        let lobby = sample(english, false);
        render(&ui, &lobby, 1920, 1080, &dir.join(format!("display-lobby-{lang}.png")))?;
        render(&ui, &lobby, 1080, 1920, &dir.join(format!("display-lobby-portrait-{lang}.png")))?;
        let window = sample(english, true);
        render(&ui, &window, 1280, 720, &dir.join(format!("display-window-{lang}.png")))?;
        // A colleague stands in for the window's clerk on leave (R16: 顶岗).
        let stand_in = View { stand_in: true, ..window.clone() };
        render(&ui, &stand_in, 1280, 720, &dir.join(format!("display-window-stand-in-{lang}.png")))?;
        let paused = View {
            my_window_open: false,
            my_serving: String::new(),
            my_window_state: if english {
                "Paused: please wait or ask at the information desk".into()
            } else {
                "窗口暂停，请稍候或咨询综合窗口".into()
            },
            ..window
        };
        render(&ui, &paused, 1280, 720, &dir.join(format!("display-window-paused-{lang}.png")))?;
        // B012 came by appointment (预约), on time: marked on the lobby and at its window.
        let booked = booked(sample(english, false));
        render(&ui, &booked, 1920, 1080, &dir.join(format!("display-lobby-booked-{lang}.png")))?;
        let booked_window = booked_at_window(sample(english, true));
        render(&ui, &booked_window, 1280, 720, &dir.join(format!("display-window-booked-{lang}.png")))?;
        // 17:05, past the cut-off: the queues still waiting are served, no more tickets today.
        let mut closed = View { clock: "17:05:12".into(), ..sample(english, false) };
        for q in &mut closed.queues {
            q.4 = true;
        }
        render(&ui, &closed, 1920, 1080, &dir.join(format!("display-lobby-closed-{lang}.png")))?;
        render(&ui, &closed, 1080, 1920, &dir.join(format!("display-lobby-closed-portrait-{lang}.png")))?;
    }
    crate::select_language("zh")?;
    let lost =
        View {
            live: false, link_text: "连接中断 12 秒，正在重连…".into(), recall: true, ..sample(false, false)
        };
    render(&ui, &lost, 1920, 1080, &dir.join("display-lobby-reconnecting-zh.png"))?;
    Ok(())
}
