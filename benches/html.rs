//! First paint of HTML mail (run: `cargo bench --bench html`): the 200 KB Japanese table
//! newsletter of tests/fixtures/html, laid out at 800 px and painted on the CPU, 20 runs;
//! prints the median and the slowest of the first paint (pre-check, layout of the whole
//! page, paint of the first 800x1000 px) and of the whole page as the reader paints it
//! (up to its height cap), remote content blocked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};
use tayori::render::{MailHtml, RenderOptions, render};

const RUNS: usize = 20;

fn newsletter() -> MailHtml {
    let path = format!(
        "{}/tests/fixtures/html/japanese_newsletter.eml",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read(&path).unwrap();
    let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
    MailHtml {
        html: msg.body_html(0).unwrap().into_owned(),
        ..MailHtml::default()
    }
}

fn median_ms(mail: &MailHtml, opts: &RenderOptions) -> (f64, f64, u32) {
    let mut height = 0;
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            let r = render(mail, opts).unwrap();
            height = r.height;
            t.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(times[RUNS / 2]), ms(times[RUNS - 1]), height)
}

fn main() {
    let mail = newsletter();
    let first = RenderOptions {
        width: 800,
        max_height: 1000,
        ..RenderOptions::default()
    };
    // One warm-up: the system font list is read once per process.
    render(&mail, &first).unwrap();
    let (med, max, h) = median_ms(&mail, &first);
    println!(
        "html first paint (800x{h}), {} KB of HTML, {RUNS} runs: median {med:.1} ms, slowest {max:.1} ms",
        mail.html.len() / 1024
    );
    let whole = RenderOptions {
        width: 800,
        ..RenderOptions::default()
    };
    let (med, max, h) = median_ms(&mail, &whole);
    println!("html whole page (800x{h}): median {med:.1} ms, slowest {max:.1} ms");
}
