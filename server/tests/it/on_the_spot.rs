//! R7 即收即办: a simple matter with complete materials is done on the spot within its minutes
//! (the sample hall: 综合咨询 10, every other matter the hall's 20). The director's console
//! marks a service of a matter done on the spot that reaches them; the reports count each 即办件
//! served longer than the minutes in force when it was registered, and a later change of the
//! configuration leaves a past month as it was counted.

use chrono::Duration;
use serde_json::{json, Value};

use crate::support::{at, get, TestServer};

/// Issues a ticket for `matter`, calls and starts it at `window`, serves it `minutes` and
/// finishes it as `outcome`.
async fn serve(s: &TestServer, clerk: &str, window: &str, matter: &str, minutes: i64, outcome: Value) {
    s.issue(matter).await;
    assert_eq!(s.act(clerk, window, "call-next").await.status, 200);
    s.clock().advance(Duration::minutes(3)); // the citizen walks up: the call is not the service
    assert_eq!(s.act(clerk, window, "start").await.status, 200);
    s.clock().advance(Duration::minutes(minutes));
    let r = s.post(&format!("/api/windows/{window}/finish"), clerk, outcome).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

fn over(report: &Value, key: &str) -> u64 {
    let line = report["lines"].as_array().unwrap().iter().find(|l| l["key"] == key).unwrap();
    line["immediate_over_limit"].as_u64().unwrap()
}

#[tokio::test]
async fn immediate_cases_over_their_minutes_are_counted_as_registered() {
    let s = TestServer::start().await;
    s.clock().set(at("2026-11-25", "09:00"));
    let (c1, c2) = (s.clerk("clerk1", "w01").await, s.clerk("clerk2", "w02").await);
    let immediate = json!({"outcome": "immediate"});
    // 综合咨询 at w01 (10 minutes): 12 is over, 10 exactly and 8 are not.
    serve(&s, &c1, "w01", "zh-zixun", 12, immediate.clone()).await;
    serve(&s, &c1, "w01", "zh-zixun", 10, immediate.clone()).await;
    serve(&s, &c1, "w01", "zh-zixun", 8, immediate.clone()).await;
    // 临时救助 at w02 (20 minutes, a promised matter finished on the spot): 25 is over; a
    // returned case served 40 minutes is no 即办件.
    serve(&s, &c2, "w02", "mz-linshi", 25, immediate.clone()).await;
    let returned = json!({"outcome": "returned", "return_ground": "against_policy", "reason": "不符合救助条件"});
    serve(&s, &c2, "w02", "mz-linshi", 40, returned).await;

    // The console: a 综合咨询 served 11 minutes is marked (its limit given); 临时救助 (10
    // promised working days) is not a matter done on the spot.
    s.issue("zh-zixun").await;
    s.issue("mz-linshi").await;
    for (clerk, window) in [(&c1, "w01"), (&c2, "w02")] {
        assert_eq!(s.act(clerk, window, "call-next").await.status, 200);
        assert_eq!(s.act(clerk, window, "start").await.status, 200);
    }
    s.clock().advance(Duration::minutes(11));
    let director = s.staff("director").await;
    let today = get(&s, "/api/director/today", &director).await;
    let window = |id: &str| today["windows"].as_array().unwrap().iter().find(|w| w["id"] == id).unwrap().clone();
    assert_eq!(
        (window("w01")["serving_minutes"].as_u64(), window("w01")["serving_limit_minutes"].as_u64()),
        (Some(11), Some(10))
    );
    assert_eq!(window("w02")["serving_limit_minutes"], Value::Null, "{}", window("w02"));
    // The desk reads when its service began; the lobby's anonymous view does not.
    let staff_view = get(&s, "/api/windows", &c1).await;
    let anonymous = s.send(reqwest::Method::GET, "/api/windows", None, None, None).await.body;
    let serving = |v: &Value| v.as_array().unwrap().iter().find(|w| w["id"] == "w01").unwrap()["serving"].clone();
    assert!(serving(&staff_view)["started_at"].is_string(), "{staff_view}");
    assert!(serving(&anonymous).get("started_at").is_none(), "{anonymous}");

    let report = get(&s, "/api/reports/summary?from=2026-11-25&to=2026-11-25&by=window", &director).await;
    assert_eq!((over(&report, "w01"), over(&report, "w02")), (1, 1), "{report}");
    assert_eq!(report["total"]["immediate_over_limit"], 2);
    assert_eq!(report["total"]["cases"]["immediate"], 4);

    // The hall gives 综合咨询 and every matter 60 minutes from now on: November stays as counted.
    let admin = s.staff("admin").await;
    let toml = get(&s, "/api/admin/hall", &admin).await["toml"].as_str().unwrap().to_string();
    let toml = toml.replacen("\non_the_spot_minutes = 20 ", "\non_the_spot_minutes = 60 ", 1).replacen(
        "\non_the_spot_minutes = 10 ",
        "\non_the_spot_minutes = 60 ",
        1,
    );
    assert_eq!(toml.matches("on_the_spot_minutes = 60").count(), 2, "the sample hall's two settings");
    assert_eq!(s.post("/api/admin/hall", &admin, json!({ "toml": toml })).await.status, 200);
    let again = get(&s, "/api/reports/summary?from=2026-11-25&to=2026-11-25&by=window", &director).await;
    assert_eq!((over(&again, "w01"), over(&again, "w02")), (1, 1), "{again}");
    // The minutes the matter is published with are the new ones.
    let services = get(&s, "/api/services", &director).await;
    let zixun = services.as_array().unwrap().iter().find(|m| m["id"] == "zh-zixun").unwrap();
    assert_eq!(zixun["on_the_spot_minutes"], 60);
}
