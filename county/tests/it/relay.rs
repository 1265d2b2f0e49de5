//! Town → county report (R14, 上报件), end to end: two real hall servers (a town hall and the
//! county hall), PostgreSQL and hall-county. A reported case registered at the town appears at
//! the county hall as an incoming case; the county hall closes it; the town case and its
//! applicant's page show the result. Through a link failure in the middle — the county hall's
//! server stopped while a report is pending, then hall-county SIGKILLed between delivering a
//! report and acknowledging it — each report is exactly one incoming case, nothing lost.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::pg::Postgres;
use crate::procs::{County, Hall};

/// Polls `what` (at most 60 s) until it gives `Some`.
async fn until<T, F, Fut>(what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "waited 60 s for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A reported case of 临时救助 at the town's w02, with the applicant's data; its number and code.
async fn report(town: &Hall, clerk: &str, name: &str) -> (String, String) {
    town.issue_for("mz-linshi").await;
    let (status, b) = town.post("/api/windows/w02/call-next", clerk, json!({})).await;
    assert_eq!(status, 200, "{b}");
    let body = json!({"outcome": "reported", "authority": "县民政局", "applicant_name": name, "applicant_phone": "13700001111"});
    let (status, b) = town.post("/api/windows/w02/finish", clerk, body).await;
    assert_eq!(status, 200, "{b}");
    (b["case"]["number"].as_str().unwrap().to_string(), b["case"]["check_code"].as_str().unwrap().to_string())
}

/// The county's halls file: the town `qingshui` and the county hall above it.
fn town_and_county_hall(town: &Hall, upper: &Hall) -> String {
    format!(
        "[[halls]]\nid = \"qingshui\"\nurl = \"{}\"\ntoken = \"demo-county\"\n\n\
         [[halls]]\nid = \"county-hall\"\nurl = \"{}\"\ntoken = \"demo-county\"\ncounty_hall = true\n",
        town.base, upper.base
    )
}

/// Writes messages straight into a hall's outbox (key, kind, to_hall, body), as a hall of another
/// version or a long outage would have left them.
fn put_in_outbox(hall: &Hall, messages: Vec<(String, &str, Option<&str>, &str)>) {
    let db = rusqlite::Connection::open(hall.db()).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    let tx = db.unchecked_transaction().unwrap();
    for (key, kind, to_hall, body) in messages {
        tx.execute(
            "INSERT INTO outbox (key, kind, to_hall, body, created_at) VALUES (?1, ?2, ?3, ?4, 0)",
            rusqlite::params![key, kind, to_hall, body],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

/// Every incoming case at the upper hall (closed ones too).
async fn incoming(upper: &Hall, director: &str) -> Vec<Value> {
    let (status, list) = upper.get("/api/incoming?state=all", director).await;
    assert_eq!(status, 200, "{list}");
    list.as_array().unwrap().clone()
}

/// The county's relay backlog (`GET /api/county/relay`) as its screen reads it.
async fn backlog(county: &County) -> Value {
    let http = reqwest::Client::new();
    let token = crate::store::demo_token(&http, &county.base).await;
    let r = http.get(format!("{}/api/county/relay", county.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// The backlog's line for a message, once it is listed with an error.
async fn waiting_with_error(county: &County, key: &str) -> Value {
    until(&format!("{key} in the relay's backlog with its error"), || async {
        let b = backlog(county).await;
        b["oldest"].as_array().unwrap().iter().find(|m| m["key"] == key && !m["last_error"].is_null()).cloned()
    })
    .await
}

async fn outbox_len(hall: &Hall) -> usize {
    let (status, list) = hall.get("/api/relay/outbox", "demo-county").await;
    assert_eq!(status, 200, "{list}");
    list.as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn town_to_county_report_end_to_end_through_link_failures() {
    let pg = Postgres::start();
    let work = tempfile::tempdir().unwrap();
    let town = Hall::start("qingshui").await;
    let mut upper = Hall::start_named("county-hall", "云岭县政务服务中心").await;
    let halls = town_and_county_hall(&town, &upper);
    let pause = work.path().join("delivered-not-acked");
    let mut county = County::start_file(work.path(), &pg.url(), &halls, &[]).await;
    let db = pg.client().await;
    let clerk = town.sign_in("clerk2", Some("w02")).await;
    let upper_director = upper.sign_in("director", None).await;

    // 1. A report goes up and appears at the county hall, on its 临时救助 window's desk.
    let (first, first_code) = report(&town, &clerk, "王五").await;
    let line = until("the first report at the county hall", || async {
        incoming(&upper, &upper_director).await.into_iter().find(|l| l["origin_number"] == first.as_str())
    })
    .await;
    assert_eq!(line["origin_hall_name"], "青石镇便民服务中心");
    assert_eq!((line["window_id"].as_str(), line["state"].as_str()), (Some("w02"), Some("received")));
    let id = line["id"].as_i64().unwrap();
    let (_, whole) = upper.get(&format!("/api/incoming/{id}"), &upper_director).await;
    assert_eq!(whole["applicant_name"], "王五", "the applicant's data travelled on the county's link");
    until("the first report acknowledged", || async { (outbox_len(&town).await == 0).then_some(()) }).await;

    // 2. The county hall's server stopped while a report is pending; the county keeps trying.
    upper.kill().await;
    let (second, _) = report(&town, &clerk, "赵六").await;
    let key = format!("report:{second}");
    until("a failed delivery logged", || async {
        let r = db
            .query_opt(
                "SELECT attempts, last_error FROM relay_log WHERE source_hall = 'qingshui' AND key = $1",
                &[&key],
            )
            .await
            .unwrap()?;
        (r.get::<_, Option<String>>(1).is_some()).then_some(())
    })
    .await;
    assert_eq!(outbox_len(&town).await, 1, "not acknowledged while undelivered");
    // The county's screen lists it, with where it goes and why it waits; never the applicant.
    let line = waiting_with_error(&county, &key).await;
    assert_eq!((line["source_hall"].as_str(), line["target_hall"].as_str()), (Some("qingshui"), Some("county-hall")));
    assert_eq!((line["kind"].as_str(), line["delivered_at"].as_str()), (Some("report"), None));
    assert!(line["last_error"].as_str().unwrap().contains("county-hall"), "{line}");
    assert!(!backlog(&county).await.to_string().contains("赵六"), "no applicant's data on the county's screen");
    upper.restart().await;
    let upper_director = upper.sign_in("director", None).await;
    until("the second report at the county hall", || async {
        incoming(&upper, &upper_director).await.into_iter().find(|l| l["origin_number"] == second.as_str())
    })
    .await;
    until("the second report acknowledged", || async { (outbox_len(&town).await == 0).then_some(()) }).await;
    // Its case's history at the town says where it went (the applicant reads it).
    let town_director = town.sign_in("director", None).await;
    let (_, case) = town.get(&format!("/api/cases/{second}"), &town_director).await;
    let steps: Vec<(&str, &str)> = case["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["action"].as_str().unwrap(), h["text"].as_str().unwrap()))
        .collect();
    assert!(steps.contains(&("upper_received", "上报材料已送达云岭县政务服务中心，等待受理")), "{steps:?}");

    // 3. hall-county SIGKILLed between delivering a report and acknowledging it.
    county.child.kill().await.unwrap();
    county =
        County::start_file(work.path(), &pg.url(), &halls, &[(hall_county::relay::PAUSE_BEFORE_ACK, &pause)]).await;
    let (third, _) = report(&town, &clerk, "孙七").await;
    until("the third report delivered, not acknowledged", || async { pause.exists().then_some(()) }).await;
    assert_eq!(std::fs::read_to_string(&pause).unwrap(), format!("report:{third}"));
    assert!(incoming(&upper, &upper_director).await.iter().any(|l| l["origin_number"] == third.as_str()));
    assert_eq!(outbox_len(&town).await, 1, "delivered but not acknowledged: still in the town's outbox");
    county.kill_and_restart().await;
    until("the third report acknowledged after the restart", || async { (outbox_len(&town).await == 0).then_some(()) })
        .await;
    let attempts: i32 = db
        .query_one(
            "SELECT attempts FROM relay_log WHERE source_hall = 'qingshui' AND key = $1",
            &[&format!("report:{third}")],
        )
        .await
        .unwrap()
        .get(0);
    assert!(attempts >= 2, "delivered again after the restart: {attempts}");

    // Exactly one incoming case per report, nothing lost.
    let all = incoming(&upper, &upper_director).await;
    let mut numbers: Vec<&str> = all.iter().map(|l| l["origin_number"].as_str().unwrap()).collect();
    numbers.sort();
    assert_eq!(numbers, [first.as_str(), second.as_str(), third.as_str()], "{all:?}");

    // 4. The county hall accepts and closes the first; the town case and its applicant see it.
    let upper_clerk = upper.sign_in("clerk2", Some("w02")).await;
    let (status, b) = upper.post(&format!("/api/incoming/{id}/accept"), &upper_clerk, json!({})).await;
    assert_eq!(status, 200, "{b}");
    let (status, b) =
        upper.post(&format!("/api/incoming/{id}/close"), &upper_clerk, json!({"result": "approved"})).await;
    assert_eq!(status, 200, "{b}");
    let progress = until("the result at the town", || async {
        let (_, p) = town.get(&format!("/api/cases/{first}?code={first_code}"), "").await;
        (p["state"] == "closed").then_some(p)
    })
    .await;
    assert_eq!(progress["result"], "approved", "{progress}");
    assert_eq!(progress["upper"]["hall_name"], "云岭县政务服务中心");
    assert_eq!(progress["upper"]["state"], "closed");
    let texts: Vec<&str> =
        progress["history"].as_array().unwrap().iter().map(|h| h["text"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.starts_with("上报至云岭县政务服务中心：已受理")), "{texts:?}");
    assert!(texts.contains(&"上报至云岭县政务服务中心：已办结，准予许可"), "{texts:?}");
    until("the county hall's outbox empty", || async { (outbox_len(&upper).await == 0).then_some(()) }).await;
    // The county notes the acknowledgement just after the hall took it (the outbox empties
    // first): every message is noted acknowledged soon after.
    until("every message noted acknowledged", || async {
        let not_acked: i64 =
            db.query_one("SELECT count(*) FROM relay_log WHERE acked_at IS NULL", &[]).await.unwrap().get(0);
        (not_acked == 0).then_some(())
    })
    .await;
    let empty = backlog(&county).await;
    assert_eq!((empty["count"].as_i64(), empty["oldest"].as_array().map(Vec::len)), (Some(0), Some(0)), "{empty}");
    // An acknowledgement the hall took but the county never noted (the ack's answer lost, or
    // the county stopped between the two) is noted at the next look at the outbox.
    db.execute("UPDATE relay_log SET acked_at = NULL WHERE key = $1", &[&format!("report:{first}")]).await.unwrap();
    until("a lost acknowledgement noted from the outbox", || async {
        let not_acked: i64 =
            db.query_one("SELECT count(*) FROM relay_log WHERE acked_at IS NULL", &[]).await.unwrap().get(0);
        (not_acked == 0).then_some(())
    })
    .await;
    // The relay log keeps names, never the applicant's data.
    let log: String = db
        .query_one(
            "SELECT string_agg(source_hall || key || kind || COALESCE(target_hall, ''), ' ') FROM relay_log",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(!log.contains("王五") && !log.contains("13700001111"), "{log}");
}

/// The upper hall's incoming case for a lower hall's case, once it is there (two halls may
/// have cases of the same number: the hall tells them apart).
async fn incoming_id(upper: &Hall, director: &str, hall: &Hall, number: &str) -> i64 {
    until("the report at the county hall", || async {
        let list = incoming(upper, director).await;
        let mine = list.iter().find(|l| l["origin_hall"] == hall.id.as_str() && l["origin_number"] == number);
        mine.and_then(|l| l["id"].as_i64())
    })
    .await
}

/// Whether the lower hall's case shows the upper hall's acceptance (its applicant's view).
async fn accepted_above(hall: &Hall, number: &str, code: &str) -> Option<()> {
    let (_, p) = hall.get(&format!("/api/cases/{number}?code={code}"), "").await;
    (p["upper"]["state"] == "accepted").then_some(())
}

/// One town hall down never holds back the county hall's answers to another: the messages to the
/// town that is down wait (in order), the others go.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_town_down_holds_back_only_its_own_answers() {
    let pg = Postgres::start();
    let work = tempfile::tempdir().unwrap();
    let a = Hall::start_named("town-a", "青石镇便民服务中心").await;
    let mut b = Hall::start_named("town-b", "山下镇便民服务中心").await;
    let upper = Hall::start_named("county-hall", "云岭县政务服务中心").await;
    let mut halls = String::new();
    for (h, county_hall) in [(&a, false), (&b, false), (&upper, true)] {
        halls += &format!(
            "[[halls]]\nid = \"{}\"\nurl = \"{}\"\ntoken = \"demo-county\"\ncounty_hall = {county_hall}\n\n",
            h.id, h.base
        );
    }
    let _county = County::start_file(work.path(), &pg.url(), &halls, &[]).await;
    let (clerk_a, clerk_b) = (a.sign_in("clerk2", Some("w02")).await, b.sign_in("clerk2", Some("w02")).await);
    let (from_a, code_a) = report(&a, &clerk_a, "王五").await;
    let (from_b, code_b) = report(&b, &clerk_b, "赵六").await;
    assert_eq!(from_a, from_b, "the first case of the day at each town: the same number");
    let director = upper.sign_in("director", None).await;
    let (id_a, id_b) =
        (incoming_id(&upper, &director, &a, &from_a).await, incoming_id(&upper, &director, &b, &from_b).await);
    b.kill().await;
    // B's answer first in the county hall's outbox, then A's.
    let clerk = upper.sign_in("clerk2", Some("w02")).await;
    for id in [id_b, id_a] {
        let (status, body) = upper.post(&format!("/api/incoming/{id}/accept"), &clerk, json!({})).await;
        assert_eq!(status, 200, "{body}");
    }
    until("A's answer while B is down", || accepted_above(&a, &from_a, &code_a)).await;
    // A's answer is acknowledged at the county hall just after A applied it: then B's alone waits.
    until("B's answer alone in the county hall's outbox", || async { (outbox_len(&upper).await == 1).then_some(()) })
        .await;
    b.restart().await;
    until("B's answer once B is back", || accepted_above(&b, &from_b, &code_b)).await;
    until("the county hall's outbox empty", || async { (outbox_len(&upper).await == 0).then_some(()) }).await;
}

/// A message its target can never apply (`422`, e.g. from a hall of another version) stays in
/// its hall's outbox with its error in the relay log, and holds back nothing behind it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_message_its_target_refuses_holds_back_nothing() {
    let pg = Postgres::start();
    let work = tempfile::tempdir().unwrap();
    let town = Hall::start("qingshui").await;
    let upper = Hall::start_named("county-hall", "云岭县政务服务中心").await;
    put_in_outbox(&town, vec![("report:bogus".into(), "report", None, r#"{"authority": "县民政局"}"#)]);
    let halls = town_and_county_hall(&town, &upper);
    let county = County::start_file(work.path(), &pg.url(), &halls, &[]).await;
    let clerk = town.sign_in("clerk2", Some("w02")).await;
    let (number, _) = report(&town, &clerk, "王五").await;
    let director = upper.sign_in("director", None).await;
    incoming_id(&upper, &director, &town, &number).await;
    let refused = waiting_with_error(&county, "report:bogus").await;
    assert!(refused["refused_at"].is_string() && refused["last_error"].as_str().unwrap().contains("invalid_message"));
    let db = pg.client().await;
    let row = db
        .query_one("SELECT last_error, acked_at IS NULL FROM relay_log WHERE key = 'report:bogus'", &[])
        .await
        .unwrap();
    let error: String = row.get(0);
    assert!(error.contains("invalid_message"), "{error}");
    assert!(row.get::<_, bool>(1), "never acknowledged");
    assert_eq!(outbox_len(&town).await, 1, "the refused message stays in the town's outbox");
    assert_eq!(incoming(&upper, &director).await.len(), 1);
    // The next pass (a second report) goes past the refused message without offering it again:
    // not on every pass, an hour later.
    let (second, _) = report(&town, &clerk, "赵六").await;
    incoming_id(&upper, &director, &town, &second).await;
    let attempts: i32 =
        db.query_one("SELECT attempts FROM relay_log WHERE key = 'report:bogus'", &[]).await.unwrap().get(0);
    assert_eq!(attempts, 1, "refused once, not offered again at the next pass");
    assert_eq!(outbox_len(&town).await, 1, "still in the outbox, to be offered again later");
}

/// A town's outbox naming another town (a machine tampered with, or a database edited): the
/// progress that would close that town's case of the same number is not delivered, and waits
/// on the county's screen with why.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn progress_from_a_town_is_never_delivered() {
    let pg = Postgres::start();
    let work = tempfile::tempdir().unwrap();
    let town = Hall::start("qingshui").await;
    let other = Hall::start("shiqiao").await;
    let upper = Hall::start_named("county-hall", "云岭县政务服务中心").await;
    let clerk = other.sign_in("clerk2", Some("w02")).await;
    let (number, _) = report(&other, &clerk, "王五").await;
    let forged = format!(
        r#"{{"origin_number": "{number}", "hall_name": "云岭县政务服务中心", "step": "closed", "result": "not_approved", "reason": "不予许可"}}"#
    );
    put_in_outbox(&town, vec![("progress:forged".into(), "progress", Some("shiqiao"), forged.as_str())]);
    let halls = format!(
        "{}\n[[halls]]\nid = \"shiqiao\"\nurl = \"{}\"\ntoken = \"demo-county\"\n",
        town_and_county_hall(&town, &upper),
        other.base
    );
    let county = County::start_file(work.path(), &pg.url(), &halls, &[]).await;
    let waiting = waiting_with_error(&county, "progress:forged").await;
    assert!(waiting["last_error"].as_str().unwrap().contains("only the county hall sends progress"), "{waiting}");
    // The real report of shiqiao went up meanwhile; its case is still open, as the upper hall left it.
    let director = upper.sign_in("director", None).await;
    incoming_id(&upper, &director, &other, &number).await;
    let (_, case) = other.get(&format!("/api/cases/{number}"), &clerk).await;
    assert_eq!(case["state"], "open", "{case}");
    assert_eq!(outbox_len(&town).await, 1, "the forged message stays in the town's outbox");
}

/// More of the county hall's messages waiting for a hall that is gone than one page of its outbox
/// holds: the county reads on past them, and a town's new report still reaches the county hall at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_page_of_messages_for_a_hall_that_is_gone_holds_back_nothing() {
    let pg = Postgres::start();
    let work = tempfile::tempdir().unwrap();
    let town = Hall::start("qingshui").await;
    let upper = Hall::start_named("county-hall", "云岭县政务服务中心").await;
    put_in_outbox(
        &upper,
        (0..600).map(|i| (format!("progress:gone:{i}:accepted"), "progress", Some("gone"), "{}")).collect(),
    );
    let halls = town_and_county_hall(&town, &upper);
    let county = County::start_file(work.path(), &pg.url(), &halls, &[]).await;
    let clerk = town.sign_in("clerk2", Some("w02")).await;
    let (number, _) = report(&town, &clerk, "王五").await;
    let director = upper.sign_in("director", None).await;
    incoming_id(&upper, &director, &town, &number).await;
    // A hall the halls file does not name: the first of its messages is on the county's screen
    // with why (the rest wait behind it, in order).
    let gone = waiting_with_error(&county, "progress:gone:0:accepted").await;
    assert_eq!(gone["target_hall"], "gone");
    assert!(gone["last_error"].as_str().unwrap().contains("no hall `gone` in the halls file"), "{gone}");
    // Every one of the 600 is counted as waiting (the screen lists the oldest 100).
    let all = until("the 600 counted", || async {
        let b = backlog(&county).await;
        (b["count"] == 600).then_some(b)
    })
    .await;
    assert_eq!(all["oldest"].as_array().unwrap().len(), 100);
    let behind = all["oldest"].as_array().unwrap().iter().find(|m| m["key"] == "progress:gone:1:accepted").unwrap();
    assert_eq!((behind["attempts"].as_i64(), behind["target_hall"].as_str()), (Some(0), Some("gone")), "{behind}");
    // A hundred of them leave the outbox another way (another county service took them): the
    // screen counts them no more once the county has read the whole outbox again.
    let db = rusqlite::Connection::open(upper.db()).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    let gone_another_way = db
        .execute(
            "UPDATE outbox SET acked_at = 1 WHERE id IN
                 (SELECT id FROM outbox WHERE to_hall = 'gone' AND acked_at IS NULL ORDER BY id DESC LIMIT 100)",
            [],
        )
        .unwrap();
    assert_eq!(gone_another_way, 100);
    until("the 500 left counted", || async { (backlog(&county).await["count"] == 500).then_some(()) }).await;
    assert_eq!(outbox_len(&upper).await, 100, "the 600 for the hall that is gone still wait (a page of 100 shown)");
}

/// The county hall's own 上报件 goes up to a city or province office, outside the county: it is
/// taken out of its outbox, never delivered back to it as an incoming case from itself, and its
/// applicant is not told of a delivery. A town's report still comes in.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_county_halls_own_report_is_not_sent_back_to_it() {
    let pg = Postgres::start();
    let work = tempfile::tempdir().unwrap();
    let town = Hall::start("qingshui").await;
    let upper = Hall::start_named("county-hall", "云岭县政务服务中心").await;
    let halls = town_and_county_hall(&town, &upper);
    let _county = County::start_file(work.path(), &pg.url(), &halls, &[]).await;
    let director = upper.sign_in("director", None).await;
    let upper_clerk = upper.sign_in("clerk2", Some("w02")).await;
    let (own, _) = report(&upper, &upper_clerk, "钱七").await;
    let clerk = town.sign_in("clerk2", Some("w02")).await;
    let (from_town, _) = report(&town, &clerk, "王五").await;
    incoming_id(&upper, &director, &town, &from_town).await;
    until("the county hall's own report out of its outbox", || async { (outbox_len(&upper).await == 0).then_some(()) })
        .await;
    let lines = incoming(&upper, &director).await;
    assert_eq!(lines.len(), 1, "the town's only: {lines:?}");
    assert!(lines.iter().all(|l| l["origin_hall"] != "county-hall"), "{lines:?}");
    let (_, case) = upper.get(&format!("/api/cases/{own}"), &director).await;
    let steps: Vec<&str> = case["history"].as_array().unwrap().iter().map(|s| s["action"].as_str().unwrap()).collect();
    assert!(!steps.contains(&"upper_received"), "{steps:?}");
}

/// A halls file with a town's address given to another hall: the relay reads and acknowledges
/// nothing there under the wrong id (its report would come in twice, and answers meant for one
/// town would close the other's case of the same number), and delivers to no hall that is not
/// the one named.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_relay_reads_and_delivers_only_at_the_hall_named() {
    let pg = Postgres::start();
    let pool = hall_county::db::pool(&pg.url()).unwrap();
    hall_county::db::migrate(&pool).await.unwrap();
    let shiqiao = Hall::start_named("shiqiao", "石桥镇便民服务中心").await;
    let upper = Hall::start_named("county-hall", "云岭县政务服务中心").await;
    let entry = |id: &str, hall: &Hall, county_hall| hall_county::config::HallEntry {
        id: id.into(),
        url: hall.base.clone(),
        token: "demo-county".into(),
        county_hall,
    };
    // `qingshui`'s address is shiqiao's; the county hall's is right.
    let halls =
        vec![entry("qingshui", &shiqiao, false), entry("shiqiao", &shiqiao, false), entry("county-hall", &upper, true)];
    hall_county::follow::register(&pool, &halls).await.unwrap();
    let clerk = shiqiao.sign_in("clerk2", Some("w02")).await;
    report(&shiqiao, &clerk, "王五").await;
    let http = reqwest::Client::new();
    let wrong = hall_county::relay::pass(&pool, &http, &halls, &halls[0]).await.unwrap_err();
    assert!(format!("{wrong:#}").contains("is hall `shiqiao`, not `qingshui`"), "{wrong:#}");
    assert_eq!(outbox_len(&shiqiao).await, 1, "nothing read or acknowledged there as qingshui's");
    // Delivered to the county hall by its own entry, once.
    assert_eq!(hall_county::relay::pass(&pool, &http, &halls, &halls[1]).await.unwrap(), 1);
    let director = upper.sign_in("director", None).await;
    let lines = incoming(&upper, &director).await;
    assert_eq!(lines.iter().map(|l| l["origin_hall"].as_str().unwrap()).collect::<Vec<_>>(), ["shiqiao"]);
    // A county hall entry pointing at a town: nothing delivered there.
    let misplaced = vec![halls[1].clone(), entry("county-hall", &shiqiao, true)];
    let clerk = shiqiao.sign_in("clerk2", Some("w02")).await;
    report(&shiqiao, &clerk, "赵六").await;
    hall_county::relay::pass(&pool, &http, &misplaced, &misplaced[0]).await.unwrap_err();
    let (_, at_town) = shiqiao.get("/api/incoming?state=all", &shiqiao.sign_in("director", None).await).await;
    assert_eq!(at_town.as_array().map(Vec::len), Some(0), "{at_town}");
}
