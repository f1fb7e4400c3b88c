//! How the transcript's Messages view draws a message ([`crate::transcript::messages`]): its
//! joined bytes as one text (a character split across reads shows whole) or hex, with each
//! read's start marked by a thin bar, "33 B in 3 reads" beside it, and in the details pane
//! the whole message (its first 64 KiB) with a hex dump where a search's matches stand out.

use egui::text::LayoutJob;
use egui::{Color32, RichText, TextFormat, Ui};

use crate::i18n::Tr;
use crate::t;
use crate::transcript::messages::{Boundary, Message};
use crate::transcript::render::{escape, hex, hex_dump, hex_dump_marked};
use crate::transcript::search::Search;
use crate::transcript::store::Transcript;

/// The most of a message the details pane shows.
const DETAIL_BYTES: usize = 64 * 1024;

/// The mark between two reads.
const READ_MARK: &str = "│";

/// Where a session's messages end besides a gap or a change of direction: a server's reply
/// framing, or where a client's replies end.
pub fn boundary(spec: &crate::spec::SessionSpec) -> Boundary {
    use crate::engine::expect::ReplyEnd;
    use crate::engine::responder::Framing;
    match spec.role {
        crate::spec::Role::Server => match crate::spec::reply::parse_framing(&spec.server.framing) {
            Ok(Framing::Line) => Boundary::Delimiter(b"\n".to_vec()),
            Ok(Framing::Bytes(n)) => Boundary::Bytes(n),
            Ok(Framing::Read) | Err(_) => Boundary::None,
        },
        crate::spec::Role::Client => match &spec.reply_end {
            ReplyEnd::Delimiter(delimiter) => Boundary::Delimiter(delimiter.clone()),
            ReplyEnd::Bytes(n) => Boundary::Bytes(usize::try_from(*n).unwrap_or(usize::MAX)),
            ReplyEnd::Sent | ReplyEnd::Close | ReplyEnd::Idle(_) => Boundary::None,
        },
    }
}

/// "33 B", or "33 B in 3 reads".
pub fn size_label(tr: &Tr, message: &Message) -> String {
    let bytes = tr.number(message.len as f64, 0);
    match message.reads.len() {
        0 | 1 => format!("{bytes} B"),
        reads => {
            t!(tr, "messages-size", bytes = bytes, reads = tr.number(reads as f64, 0), count = (reads as u64))
        }
    }
}

/// Moves each read's start past the continuation bytes of a UTF-8 character it splits, so
/// that the text shows the character whole before the mark.
fn char_aligned(bytes: &[u8], starts: &[usize]) -> Vec<usize> {
    starts
        .iter()
        .map(|&start| {
            let mut at = start;
            while at < bytes.len() && at < start + 3 && bytes[at] & 0xC0 == 0x80 {
                at += 1;
            }
            at
        })
        .collect()
}

/// The first `max_bytes` of a message as one line: quoted escaped text (or hex), a weak bar
/// where each further read starts, and a search's matches (`found`) on `match_bg`, exactly
/// the bytes they cover, even across reads.
pub fn message_job(
    ui: &Ui,
    transcript: &Transcript,
    message: &Message,
    (show_hex, max_bytes): (bool, usize),
    color: Color32,
    (found, match_bg): (Option<&Search>, Color32),
) -> LayoutJob {
    let (bytes, read_starts) = message.bytes(transcript, 0..max_bytes);
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let text = TextFormat::simple(font.clone(), color);
    let marked = TextFormat { background: match_bg, ..text.clone() };
    let mark = TextFormat::simple(font, ui.visuals().weak_text_color());
    // Each read's matched bytes, at their place in the joined bytes.
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    if let Some(search) = found {
        for (&seq, &start) in message.reads.iter().zip(&read_starts) {
            ranges.extend(search.ranges(seq).into_iter().map(|r| r.start + start..r.end + start));
        }
    }
    let starts = if show_hex { read_starts } else { char_aligned(&bytes, &read_starts) };
    let mut job = LayoutJob::default();
    if !show_hex {
        job.append("\"", 0.0, text.clone());
    }
    let mut from = 0;
    for &start in starts.iter().skip(1).chain(std::iter::once(&bytes.len())) {
        let piece_at = from.min(start);
        // The piece, cut where a match begins or ends: each part shown on its own background.
        let mut cuts: Vec<usize> =
            ranges.iter().flat_map(|r| [r.start, r.end]).filter(|&c| c > piece_at && c < start).collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut at = piece_at;
        for end in cuts.into_iter().chain(std::iter::once(start)) {
            let part = &bytes[at..end];
            let words = if show_hex { hex(part) } else { escape(part) };
            let inside = ranges.iter().any(|r| r.start <= at && end <= r.end && at < end);
            let gap = if show_hex && at > piece_at { " " } else { "" };
            job.append(&format!("{gap}{words}"), 0.0, if inside { marked.clone() } else { text.clone() });
            at = end;
        }
        if start < bytes.len() {
            let padding = if show_hex { " " } else { "" };
            job.append(&format!("{padding}{READ_MARK}{padding}"), 0.0, mark.clone());
        }
        from = start;
    }
    if !show_hex {
        job.append("\"", 0.0, text);
    }
    if message.len > bytes.len() {
        job.append(" …", 0.0, mark);
    }
    job
}

/// A message in the details pane: its size, its whole text (the first 64 KiB) with the reads
/// marked, and a hex dump in which a search's matches stand out.
pub fn message_details_ui(
    ui: &mut Ui,
    tr: &Tr,
    transcript: &Transcript,
    message: &Message,
    (found, match_bg): (Option<&Search>, Color32),
) {
    ui.label(RichText::new(size_label(tr, message)).weak());
    let color = ui.visuals().text_color();
    let job = message_job(ui, transcript, message, (false, DETAIL_BYTES), color, (found, match_bg));
    ui.add(egui::Label::new(job).wrap());
    let (bytes, starts) = message.bytes(transcript, 0..DETAIL_BYTES);
    // Each read's matched bytes, at their place in the joined bytes.
    let mut ranges = Vec::new();
    if let Some(search) = found {
        for (&seq, &start) in message.reads.iter().zip(&starts) {
            ranges.extend(search.ranges(seq).into_iter().map(|r| r.start + start..r.end + start));
        }
    }
    if ranges.is_empty() {
        let dump = RichText::new(hex_dump(&bytes)).monospace();
        ui.add(egui::Label::new(dump).wrap_mode(egui::TextWrapMode::Extend));
    } else {
        let mut job = LayoutJob::default();
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        for (text, marked) in hex_dump_marked(&bytes, &ranges) {
            let mut format = TextFormat::simple(font.clone(), color);
            if marked {
                format.background = match_bg;
            }
            job.append(&text, 0.0, format);
        }
        ui.add(egui::Label::new(job).wrap_mode(egui::TextWrapMode::Extend));
    }
    if message.len > bytes.len() {
        ui.weak(t!(tr, "messages-more", shown = tr.number(bytes.len() as f64, 0)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_character_stays_before_the_mark() {
        let bytes = "repetirá.".as_bytes();
        // The read boundary falls between the two bytes of "á".
        let split = bytes.iter().position(|&b| b == 0xA1).unwrap_or(0);
        assert_eq!(char_aligned(bytes, &[0, split]), vec![0, split + 1]);
        assert_eq!(char_aligned(b"abc", &[0, 1]), vec![0, 1]);
    }
}
