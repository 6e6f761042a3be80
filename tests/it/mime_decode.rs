//! Decoding of the .eml fixtures under tests/fixtures (Japanese charsets, mislabelled text,
//! HTML, attachments), and agreement with the IMAP BODYSTRUCTURE path.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use tayori::mime::{
    ParsedMessage, choose_text_part, decode_header_text, decode_part_bytes, decode_part_text,
    parse_message, snippet,
};
use tayori::model::PartInfo;
use tayori::protocol::imap::bodystructure::parts_from_bodystructure;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(name: &str) -> ParsedMessage {
    parse_message(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// 2026-11-02 10:00:00 UTC.
const NOV_2: i64 = 1_793_613_600;

/// The body of the Japanese fixtures: NEC special characters (①, ㈱), an NEC-selected IBM
/// extension (髙) and half-width katakana.
const JA_BODY: &str = "こんにちは、①番の件です。\n株式会社は㈱、髙橋さんより。\nｶﾀｶﾅも。";

#[test]
fn iso_2022_jp_with_cp932_extensions() {
    let m = parse("iso2022jp.eml");
    assert_eq!(m.subject, "ISO-2022-JPの件名①です");
    assert_eq!(m.from, "山田太郎 <yamada@example.jp>");
    assert_eq!(m.to, "suzuki@example.jp");
    assert_eq!(m.date, Some(NOV_2));
    assert_eq!(m.message_id.as_deref(), Some("<jis-1@example.jp>"));
    // ISO-2022-JP has no half-width katakana: the fixture spells it full-width.
    assert_eq!(m.text, JA_BODY.replace("ｶﾀｶﾅ", "カタカナ"));
    assert_eq!(m.parts.len(), 1);
    assert_eq!(m.parts[0].section, "1");
    assert_eq!(m.parts[0].mime, "text/plain");
    assert_eq!(m.parts[0].charset.as_deref(), Some("ISO-2022-JP"));
    assert!(m.attachments.is_empty());
}

#[test]
fn subject_split_across_encoded_words() {
    let m = parse("subject_split.eml");
    // UTF-8 bytes of one character split across two words; then ISO-2022-JP in B and Q.
    assert_eq!(m.subject, "Re: 日本語と英語 test");
    assert_eq!(m.from, "佐藤 <sato@example.jp>");
    assert_eq!(m.to, "a@example.com, 鈴木 <suzuki@example.jp>");
    assert_eq!(m.date, Some(NOV_2));
    assert_eq!(m.in_reply_to.as_deref(), Some("<parent@example.jp>"));
    assert_eq!(
        m.references.as_deref(),
        Some("<root@example.jp> <parent@example.jp>")
    );
    assert_eq!(m.text, "body");
}

#[test]
fn shift_jis_body_and_raw_8bit_subject() {
    let m = parse("shift_jis.eml");
    assert_eq!(m.subject, "Shift_JISの件名");
    assert_eq!(m.from, "tanaka@example.jp");
    assert_eq!(m.text, JA_BODY);
    assert_eq!(m.parts[0].encoding, "8bit");
}

#[test]
fn euc_jp_base64_body() {
    let m = parse("euc_jp.eml");
    assert_eq!(m.subject, "EUC-JPの件名");
    assert_eq!(m.text, JA_BODY);
    assert_eq!(m.parts[0].encoding, "base64");
}

#[test]
fn utf8_labelled_latin1() {
    let m = parse("mislabelled_latin1.eml");
    assert_eq!(m.from, "Zoë <zoe@example.com>");
    assert_eq!(m.subject, "Café");
    assert_eq!(m.text, "Café crème, 日本語も。");
}

#[test]
fn unlabelled_iso_2022_jp() {
    let m = parse("unlabelled_jis.eml");
    assert_eq!(m.subject, "ラベルなし");
    assert_eq!(m.text, "ラベルのないJISの本文①\n二行目");
    assert_eq!(m.parts[0].charset, None);
    assert_eq!(m.parts[0].mime, "text/plain");
}

#[test]
fn html_only_becomes_readable_text() {
    let m = parse("html_only.eml");
    assert_eq!(m.parts.len(), 1);
    assert_eq!(choose_text_part(&m.parts).unwrap().mime, "text/html");
    assert_eq!(
        m.text,
        "お知らせ & News\n\n\
         詳しくはこちら <https://example.jp/news?id=1&lang=ja>をご覧ください。\n\n\
         - 項目 一\n- 項目二\n\n\
         Contact: info@example.jp\nTel <03>"
    );
    assert_eq!(
        snippet(&m.text, 30),
        "お知らせ & News 詳しくはこちら <https://e"
    );
}

fn expected_pdf() -> Vec<u8> {
    let mut v: Vec<u8> = (0..=255u8).cycle().take(768).collect();
    v.extend_from_slice(b"%PDF-1.4 end");
    v
}

#[test]
fn multipart_mixed_with_attachments() {
    let m = parse("mixed_attachment.eml");
    assert_eq!(m.subject, "Quote with attachment");
    assert_eq!(m.from, "Suzuki, Ichiro <suzuki@example.jp>");
    assert_eq!(m.cc, "佐藤 <sato@example.jp>, ito@example.jp");
    assert_eq!(
        m.text,
        "Hello,\nsee the attached 見積書 — thanks.\nA long line that is wrapped by \
         quoted-printable because it is much longer than seventy-six characters."
    );
    let sections: Vec<&str> = m.parts.iter().map(|p| p.section.as_str()).collect();
    assert_eq!(sections, ["1.1", "1.2", "2", "3"]);
    let mimes: Vec<&str> = m.parts.iter().map(|p| p.mime.as_str()).collect();
    assert_eq!(
        mimes,
        [
            "text/plain",
            "text/html",
            "application/pdf",
            "message/rfc822"
        ]
    );
    assert_eq!(m.attachments.len(), 2);
    let (pdf, bytes) = &m.attachments[0];
    assert_eq!(pdf.filename.as_deref(), Some("見積書 2026.pdf"));
    assert_eq!(bytes, &expected_pdf());
    let (eml, bytes) = &m.attachments[1];
    assert_eq!(eml.filename.as_deref(), Some("前のメール.eml"));
    assert!(bytes.starts_with(b"From: old@example.com\r\n"), "{bytes:?}");
    assert!(bytes.ends_with(b"\r\nforwarded body\r\n"), "{bytes:?}");
    let reparsed = parse_message(bytes).unwrap();
    assert_eq!(reparsed.subject, "前のメール");
    assert_eq!(reparsed.text, "forwarded body");
}

/// The BODYSTRUCTURE Dovecot reports for mixed_attachment.eml describes the same parts.
#[test]
fn parse_message_agrees_with_bodystructure() {
    let line = concat!(
        "* 1 FETCH (UID 9 BODYSTRUCTURE ((",
        "(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 180 4 NIL NIL NIL NIL)",
        "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 45 1 NIL NIL NIL NIL)",
        " \"alternative\" (\"boundary\" \"inner\") NIL NIL NIL)",
        "(\"application\" \"pdf\" (\"name\" \"=?UTF-8?B?6KaL56mN5pu4IDIwMjYucGRm?=\") NIL NIL \"base64\" 1064 NIL ",
        "(\"attachment\" (\"filename*\" \"UTF-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8%202026.pdf\")) NIL NIL)",
        "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 136 (\"Sun, 1 Nov 2026 10:00:00 +0000\" ",
        "\"=?UTF-8?B?5YmN44Gu44Oh44O844Or?=\" ((NIL NIL \"old\" \"example.com\")) ",
        "((NIL NIL \"old\" \"example.com\")) ((NIL NIL \"old\" \"example.com\")) ",
        "((NIL NIL \"suzuki\" \"example.jp\")) NIL NIL NIL NIL) ",
        "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 16 1 NIL NIL NIL NIL) 6 NIL NIL NIL NIL)",
        " \"mixed\" (\"boundary\" \"outer\") NIL NIL NIL))\r\n"
    );
    let (_, resp) = imap_proto::Response::parse(line.as_bytes()).unwrap();
    let imap_proto::Response::Fetch(_, attrs) = resp else {
        panic!("not a FETCH")
    };
    let imap: Vec<PartInfo> = attrs
        .iter()
        .find_map(|a| match a {
            imap_proto::AttributeValue::BodyStructure(bs) => Some(parts_from_bodystructure(bs)),
            _ => None,
        })
        .unwrap();
    let m = parse("mixed_attachment.eml");
    let strip = |p: &[PartInfo]| -> Vec<PartInfo> {
        p.iter()
            .map(|x| PartInfo {
                size: 0,
                ..x.clone()
            })
            .collect()
    };
    assert_eq!(strip(&imap), strip(&m.parts));

    // Fetching BODY[2] over IMAP and decoding it gives the same file.
    let raw = fixture("mixed_attachment.eml");
    let text = String::from_utf8_lossy(&raw);
    let start = text.find("AAECAwQF").unwrap();
    let end = start + text[start..].find("\r\n--outer").unwrap();
    assert_eq!(
        decode_part_bytes(&imap[2], &raw[start..end]).unwrap(),
        expected_pdf()
    );
}

#[test]
fn part_text_sniffs_wrong_labels() {
    let part = PartInfo {
        section: "1".into(),
        mime: "text/plain".into(),
        size: 0,
        charset: Some("us-ascii".into()),
        encoding: "8bit".into(),
        filename: None,
        is_attachment: false,
    };
    // shift_jis.eml's body, labelled us-ascii: read as Shift_JIS all the same.
    let raw = fixture("shift_jis.eml");
    let body = &raw[raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
    assert_eq!(decode_part_text(&part, body).unwrap(), JA_BODY);
    let utf8 = PartInfo {
        charset: Some("shift_jis".into()),
        ..part
    };
    assert_eq!(
        decode_part_text(&utf8, "日本語".as_bytes()).unwrap(),
        "日本語"
    );
}

#[test]
fn malformed_input_does_not_panic() {
    assert!(parse_message(b"").is_err());
    for raw in [
        &b"Subject: x\r\nContent-Type: multipart/mixed; boundary=\"nope\"\r\n\r\nno parts here"[..],
        b"Content-Type: multipart/mixed\r\n\r\n--\r\n--\r\n",
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!",
        b"Subject: =?utf-8?B?broken\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\n\xff\xfe",
        b"just some text without headers",
        b"\xff\xff\xff\r\n\r\n\xff",
    ] {
        let _ = parse_message(raw);
    }
    assert_eq!(decode_header_text(b"=?x?B?=?="), "");
}
