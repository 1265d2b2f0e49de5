//! A year of history for the county's dashboard, written straight into PostgreSQL through the
//! county's own schema (its migrations, applied by `hall_county::db::migrate`): every table the
//! follower fills, at the sizes a year of town halls gives, generated inside PostgreSQL
//! (`INSERT … SELECT … generate_series`, no data sent over the wire) instead of replayed through
//! the halls (a replay of a year at the measured ingest rate would take hours).
//!
//! Per hall and working day (Monday to Friday of the last `days` days, today included):
//! `tickets_per_day` tickets, each with the 10 events a ticket's life gives at a hall
//! (issued, the queue's change, the window's status, called, …, finished, its case), the
//! ticket's row, one case per ticket (all closed but the last weeks' running ones, some of
//! them overdue), and the day's figures; the windows' and queues' last state.

use tokio_postgres::Client;

pub struct Loaded {
    pub tickets: i64,
    pub events: i64,
    pub open_cases: i64,
}

/// The 10 events of a ticket's life, in order, as a hall's county stream sends them (the
/// frames' text is shaped like the real ones; the views only read what the follower reads).
const EVENTS: &str = "
    CASE e
    WHEN 1 THEN format('{\"ticket_id\":%s,\"number\":\"%s\",\"queue\":\"%s\",\"service_id\":\"%s\",\"at\":\"%s\"}',
                       t.ticket_id, t.number, t.queue, t.service_id, to_char(t.issued_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS+08:00'))
    WHEN 2 THEN format('{\"queue\":\"%s\",\"prefix\":\"A\",\"name\":\"综合咨询\",\"waiting\":%s,\"estimated_wait_minutes\":%s,\"oldest_wait_minutes\":%s,\"issuing\":{\"open\":true,\"reopened\":false}}',
                       t.queue, t.ticket_id % 17, (t.ticket_id % 17) * 6, t.ticket_id % 23)
    WHEN 6 THEN format('{\"queue\":\"%s\",\"prefix\":\"A\",\"name\":\"综合咨询\",\"waiting\":%s,\"estimated_wait_minutes\":%s,\"oldest_wait_minutes\":%s,\"issuing\":{\"open\":true,\"reopened\":false}}',
                       t.queue, t.ticket_id % 13, (t.ticket_id % 13) * 6, t.ticket_id % 19)
    WHEN 4 THEN format('{\"ticket_id\":%s,\"number\":\"%s\",\"window_id\":\"w%s\",\"window_number\":%s,\"window_name\":\"综合受理窗口\",\"at\":\"%s\",\"recall\":false}',
                       t.ticket_id, t.number, lpad((1 + t.ticket_id % 11)::text, 2, '0'), 1 + t.ticket_id % 11,
                       to_char(t.first_called_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS+08:00'))
    WHEN 8 THEN format('{\"ticket_id\":%s,\"number\":\"%s\",\"window_id\":\"w%s\",\"outcome\":\"%s\",\"at\":\"%s\"}',
                       t.ticket_id, t.number, lpad((1 + t.ticket_id % 11)::text, 2, '0'), c.kind,
                       to_char(t.finished_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS+08:00'))
    WHEN 9 THEN format('{\"number\":\"%s\",\"kind\":\"%s\",\"state\":\"open\",\"window_id\":\"w%s\",\"first_window_id\":\"w%s\",\"deadline\":\"%s\",\"action\":\"registered\",\"at\":\"%s\"}',
                       c.number, c.kind, lpad((1 + t.ticket_id % 11)::text, 2, '0'), lpad((1 + t.ticket_id % 11)::text, 2, '0'),
                       c.deadline, to_char(t.finished_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS+08:00'))
    ELSE format('{\"window_id\":\"w%s\",\"window_number\":%s,\"status\":\"open\",\"staff\":{\"signed_in_at\":\"%s\"},\"serving\":\"%s\",\"at\":\"%s\"}',
                lpad((1 + t.ticket_id % 11)::text, 2, '0'), 1 + t.ticket_id % 11,
                to_char(t.day + time '08:25', 'YYYY-MM-DD\"T\"HH24:MI:SS+08:00'), t.number,
                to_char(t.first_called_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS+08:00'))
    END";

const KINDS: &str = "(ARRAY['ticket_issued','queue_changed','window_status','ticket_called','window_status',
                             'queue_changed','window_status','ticket_finished','case_changed','window_status'])[e]";

/// A ticket's case: its number (the day and the ticket, unique in the hall) and kind (64% on
/// the spot, the rest of the other five kinds).
const CASE_NUMBER: &str = "to_char(t.day, 'YYYYMMDD') || '-' || lpad((t.ticket_id % 100000)::text, 5, '0')";
const CASE_KIND: &str = "CASE WHEN t.ticket_id % 25 < 16 THEN 'immediate'
    ELSE (ARRAY['promised','supplement','returned','joint','reported'])[1 + t.ticket_id % 5] END";

/// The statements, in order, for the halls `$1` (ids), `days` and `tickets_per_day`.
pub fn statements(days: i64, tickets_per_day: i64) -> Vec<String> {
    let today = "(now() AT TIME ZONE 'Asia/Shanghai')::date";
    vec![
        "SET synchronous_commit = off".into(),
        // The halls (their marks set at the end).
        "INSERT INTO halls (hall_id, name, timezone, last_event_id, last_stored_at)
         SELECT id, '模拟 ' || id, 'Asia/Shanghai', 0, now() FROM unnest($1::text[]) AS h(id)
         ON CONFLICT (hall_id) DO NOTHING"
            .into(),
        format!(
            "CREATE TEMPORARY TABLE hist_days AS
             SELECT d::date AS d, (row_number() OVER (ORDER BY d) - 1)::bigint AS n
             FROM generate_series({today} - {days} + 1, {today}, interval '1 day') AS d
             WHERE extract(isodow FROM d) < 6"
        ),
        // Tickets over the opening hours (08:30 + 540 minutes), called within half an hour, served in 4 to 15.
        format!(
            "INSERT INTO tickets (hall_id, ticket_id, day, number, queue, service_id, issued_at, first_called_at,
                                  last_called_at, finished_at)
             SELECT h.id, d.n * {tickets_per_day} + k, d.d, 'A' || lpad(k::text, 3, '0'),
                    (ARRAY['zonghe','minzheng','shebao','weijian','nongye'])[1 + k % 5],
                    (ARRAY['zh-zixun','mz-dibao','rs-jmyibao','wj-shengyu','ny-butie'])[1 + k % 5],
                    iss, iss + (k % 31) * interval '1 minute', iss + (k % 31) * interval '1 minute',
                    iss + (k % 31 + 4 + k % 12) * interval '1 minute'
             FROM unnest($1::text[]) AS h(id) CROSS JOIN hist_days d CROSS JOIN generate_series(1, {tickets_per_day}) AS k
             CROSS JOIN LATERAL (SELECT (d.d + time '08:30' + (k * 540 / {tickets_per_day}) * interval '1 minute')
                                        AT TIME ZONE 'Asia/Shanghai' AS iss) AS x"
        ),
        // A case per ticket: 64% on the spot, the rest of the six kinds; the last 20 days' promised
        // and joint cases partly running, a few of the days 20–40 ago running past their deadline.
        format!(
            "INSERT INTO cases (hall_id, number, kind, state, deadline, window_id, at)
             SELECT t.hall_id, {CASE_NUMBER}, {CASE_KIND},
                    CASE WHEN t.ticket_id % 25 >= 16 AND t.day > {today} - 20 AND t.ticket_id % 3 = 0 THEN 'open'
                         WHEN t.ticket_id % 25 >= 16 AND t.day > {today} - 40 AND t.ticket_id % 97 = 0 THEN 'open'
                         ELSE 'closed' END,
                    t.day + 20, 'w' || lpad((1 + t.ticket_id % 11)::text, 2, '0'), t.finished_at
             FROM tickets t WHERE t.hall_id = ANY($1::text[])"
        ),
        format!(
            "INSERT INTO events (hall_id, event_id, kind, data, at, received_at)
             SELECT t.hall_id, (t.ticket_id - 1) * 10 + e, {KINDS}, {EVENTS},
                    CASE WHEN e < 4 THEN t.issued_at WHEN e < 8 THEN t.first_called_at ELSE t.finished_at END,
                    CASE WHEN e < 4 THEN t.issued_at WHEN e < 8 THEN t.first_called_at ELSE t.finished_at END
             FROM tickets t
             CROSS JOIN LATERAL (SELECT {CASE_NUMBER} AS number, {CASE_KIND} AS kind, t.day + 20 AS deadline) AS c
             CROSS JOIN generate_series(1, 10) AS e
             WHERE t.hall_id = ANY($1::text[])"
        ),
        "INSERT INTO hall_days (hall_id, day, issued, served, no_show, wait_seconds_sum, wait_count,
                                service_seconds_sum, service_count)
         SELECT hall_id, day, count(*), count(*) - count(*) / 25, count(*) / 25,
                sum(extract(epoch FROM first_called_at - issued_at))::bigint, count(*),
                sum(extract(epoch FROM finished_at - last_called_at))::bigint, count(*)
         FROM tickets WHERE hall_id = ANY($1::text[]) GROUP BY hall_id, day"
            .into(),
        "INSERT INTO windows (hall_id, window_id, status, at)
         SELECT h.id, 'w' || lpad(w::text, 2, '0'), CASE WHEN w % 5 = 0 THEN 'paused' ELSE 'open' END, now()
         FROM unnest($1::text[]) AS h(id) CROSS JOIN generate_series(1, 11) AS w"
            .into(),
        format!(
            "INSERT INTO queues (hall_id, queue, day, waiting, oldest_since, at)
             SELECT h.id, q, {today}, length(h.id || q) % 9, now() - (length(q) * interval '3 minutes'), now()
             FROM unnest($1::text[]) AS h(id)
             CROSS JOIN unnest(ARRAY['zonghe','minzheng','shebao','weijian','nongye']) AS q"
        ),
        "UPDATE halls h SET last_event_id = m.max_id
         FROM (SELECT hall_id, max(event_id) AS max_id FROM events GROUP BY hall_id) m
         WHERE h.hall_id = m.hall_id AND h.hall_id = ANY($1::text[])"
            .into(),
        "ANALYZE".into(),
    ]
}

/// Writes the history of `halls`; answers what it wrote.
pub async fn load(db: &Client, halls: &[String], days: i64, tickets_per_day: i64) -> anyhow::Result<Loaded> {
    for sql in statements(days, tickets_per_day) {
        if sql.contains("$1") {
            db.execute(&sql, &[&halls]).await?;
        } else {
            db.batch_execute(&sql).await?;
        }
    }
    let one = |sql: &'static str| async move { anyhow::Ok(db.query_one(sql, &[]).await?.get::<_, i64>(0)) };
    Ok(Loaded {
        tickets: one("SELECT count(*) FROM tickets").await?,
        // Ids run without gap from 1 per hall: the marks add up to the events (no scan of them).
        events: one("SELECT COALESCE(sum(last_event_id), 0)::bigint FROM halls").await?,
        open_cases: one("SELECT count(*) FROM cases WHERE state <> 'closed'").await?,
    })
}

#[cfg(test)]
mod tests {
    use super::statements;

    #[test]
    fn every_statement_is_plain_sql_for_the_halls_given() {
        let all = statements(365, 200);
        // The county's tables, each filled once; nothing but core PostgreSQL (no extension).
        for table in ["halls", "tickets", "cases", "events", "hall_days", "windows", "queues"] {
            let n = all.iter().filter(|s| s.contains(&format!("INSERT INTO {table} "))).count();
            assert_eq!(n, 1, "{table}");
        }
        assert!(all.iter().all(|s| !s.to_uppercase().contains("CREATE EXTENSION")));
        // The ticket ids of a hall never collide: day index × tickets per day + 1..=tickets.
        assert!(all.iter().any(|s| s.contains("d.n * 200 + k") && s.contains("generate_series(1, 200)")));
        // The halls' marks are the newest event: the county would resume after them.
        assert!(all.iter().any(|s| s.starts_with("UPDATE halls") && s.contains("max(event_id)")));
        // Ten events per ticket, ids without gap: (ticket - 1) × 10 + 1..=10.
        assert!(all.iter().any(|s| s.contains("(t.ticket_id - 1) * 10 + e") && s.contains("generate_series(1, 10)")));
    }
}
