//! A realistic mailbox for layout tests and screenshots: senders with Japanese and Western
//! names, long and short subjects in both languages, some read, flagged, answered or with an
//! attachment, over the last months (relative to now, so the list shows every date form).
#![allow(dead_code)]

const SENDERS: &[(&str, &str)] = &[
    ("山田 太郎", "taro.yamada@example.jp"),
    ("佐藤 花子", "hanako.sato@example.jp"),
    ("鈴木 一郎", "ichiro.suzuki@corp.example.jp"),
    (
        "Margaret Thompson-Whitfield",
        "margaret.thompson-whitfield@university.example.edu",
    ),
    (
        "高橋 美咲（経理部）",
        "misaki.takahashi@accounting.example.co.jp",
    ),
    ("GitHub", "notifications@github.example.com"),
    ("Bob Martin", "bob@example.test"),
    (
        "株式会社サンプル カスタマーサポート",
        "support@sample.example.co.jp",
    ),
    ("Dave", "dave@corp.example"),
    ("田中 健", "ken.tanaka@example.jp"),
];

const SUBJECTS: &[&str] = &[
    "来週の打ち合わせについて",
    "Re: Quarterly report for the Asia-Pacific region: revised numbers, comments from finance and the action items we agreed on",
    "【重要】システムメンテナンスのお知らせ（12月5日 22:00〜翌6:00）",
    "Lunch?",
    "請求書送付のご案内 / Invoice for November 2026 (No. 2026-1187)",
    "[tayori/tayori] Pull request #482: Message list rows overlap when the subject is long (#14)",
    "Fwd: 東京オフィス移転に伴う住所変更と新しい連絡先一覧、および社内システムの設定変更のお願い",
    "Your order has shipped",
    "Minutes of the planning meeting",
    "お世話になっております。先日の件、資料を添付いたしましたのでご確認ください",
];

pub struct Mail {
    pub name: &'static str,
    pub addr: &'static str,
    pub subject: String,
    /// Unix seconds.
    pub date: i64,
    pub seen: bool,
    pub flagged: bool,
    pub answered: bool,
    pub attachment: bool,
}

/// `n` messages, newest first, the newest a few minutes old.
pub fn mailbox(n: usize, now: i64) -> Vec<Mail> {
    (0..n)
        .map(|i| {
            let (name, addr) = SENDERS[(i * 7 + i / 10) % SENDERS.len()];
            let base = SUBJECTS[(i * 3 + i / 7) % SUBJECTS.len()];
            let subject = if i < SUBJECTS.len() {
                base.to_string()
            } else {
                format!("{base} ({i})")
            };
            // Today's first, then one a day for a week, then a few days apart into last year.
            let age = match i {
                0..=4 => 600 + i as i64 * 3_000,
                5..=12 => (i as i64 - 4) * 86_400 - 3_600,
                _ => 8 * 86_400 + (i as i64 - 12) * 2 * 86_400,
            };
            Mail {
                name,
                addr,
                subject,
                date: now - age,
                seen: i % 3 != 0,
                flagged: i % 7 == 2,
                answered: i % 5 == 1,
                attachment: i % 4 == 2,
            }
        })
        .collect()
}

impl Mail {
    /// The message as RFC 5322 bytes (UTF-8 headers encoded as RFC 2047 words).
    pub fn raw(&self, i: usize) -> Vec<u8> {
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
        let date = chrono::DateTime::from_timestamp(self.date, 0)
            .map(|d| d.to_rfc2822())
            .unwrap_or_default();
        let head = format!(
            "From: =?UTF-8?B?{}?= <{}>\r\nTo: Alice <alice@example.test>\r\n\
             Subject: =?UTF-8?B?{}?=\r\nDate: {date}\r\nMessage-ID: <{i}.corpus@example.test>\r\n\
             MIME-Version: 1.0\r\n",
            b64(self.name),
            self.addr,
            b64(&self.subject),
        );
        let text = format!(
            "{}様\r\n\r\nお世話になっております。\r\nPlease find the details below.\r\n\r\n\
             Message {i} of the test mailbox.\r\n",
            self.name
        );
        let body = if self.attachment {
            format!(
                "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n\
                 Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--b{i}\r\n\
                 Content-Type: application/pdf; name=\"quarterly-report-asia-pacific-region-final-revised-2026.pdf\"\r\n\
                 Content-Disposition: attachment; filename=\"quarterly-report-asia-pacific-region-final-revised-2026.pdf\"\r\n\
                 Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b{i}--\r\n"
            )
        } else {
            format!("Content-Type: text/plain; charset=utf-8\r\n\r\n{text}")
        };
        format!("{head}{body}").into_bytes()
    }
}
