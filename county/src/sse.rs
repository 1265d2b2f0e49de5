//! A `text/event-stream` parser: bytes in (in whatever chunks the network gives), messages out.

/// One message of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// An event: its `id:` (absent for a signal like `events_missed`), `event:` and `data:`.
    Event { id: Option<i64>, kind: String, data: String },
    /// A comment line (`: keep-alive`): the hall is there.
    Comment,
}

#[derive(Default)]
pub struct Parser {
    buf: Vec<u8>,
    id: Option<String>,
    kind: Option<String>,
    data: Option<String>,
}

impl Parser {
    /// Feeds a chunk; answers the messages it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Message> {
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        while let Some(nl) = self.buf.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = self.buf.drain(..=nl).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line).into_owned();
            if line.is_empty() {
                if let Some(m) = self.dispatch() {
                    out.push(m);
                }
                continue;
            }
            if line.starts_with(':') {
                out.push(Message::Comment);
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f.to_string(), v.strip_prefix(' ').unwrap_or(v).to_string()),
                None => (line, String::new()),
            };
            match field.as_str() {
                "id" => self.id = Some(value),
                "event" => self.kind = Some(value),
                "data" => {
                    let d = self.data.get_or_insert_with(String::new);
                    if !d.is_empty() {
                        d.push('\n');
                    }
                    d.push_str(&value);
                }
                _ => {}
            }
        }
        out
    }

    fn dispatch(&mut self) -> Option<Message> {
        let (id, kind, data) = (self.id.take(), self.kind.take(), self.data.take());
        let data = data?;
        Some(Message::Event {
            id: id.and_then(|i| i.trim().parse().ok()),
            kind: kind.unwrap_or_else(|| "message".into()),
            data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Message, Parser};

    #[test]
    fn messages_are_whole_whatever_the_chunks() {
        let text = ": connected\n\nid: 7\nevent: ticket_issued\ndata: {\"a\":1}\n\n\
                    event: events_missed\ndata: {\"after\":7,\"next\":9}\n\nid: 9\r\nevent: x\r\ndata: y\r\n\r\n";
        let expected = vec![
            Message::Comment,
            Message::Event { id: Some(7), kind: "ticket_issued".into(), data: "{\"a\":1}".into() },
            Message::Event { id: None, kind: "events_missed".into(), data: "{\"after\":7,\"next\":9}".into() },
            Message::Event { id: Some(9), kind: "x".into(), data: "y".into() },
        ];
        for size in [1, 3, 7, text.len()] {
            let mut p = Parser::default();
            let got: Vec<Message> = text.as_bytes().chunks(size).flat_map(|c| p.feed(c)).collect();
            assert_eq!(got, expected, "chunks of {size}");
        }
    }
}
