//! `tayori discover EMAIL`: server settings from the address alone.
use super::{CliError, Result, print_json};
use crate::discovery::system::{HttpsClient, SystemResolver};
use crate::discovery::{self, Discovered, ServerSetting, Source};
use crate::i18n::{Localizer, system_language};

fn line(kind: &str, s: &ServerSetting, email: &str) -> String {
    let user = s
        .username
        .apply(email)
        .unwrap_or_else(|| "(ask the provider)".into());
    format!(
        "{kind}\t{}:{}\t{}\tuser {user}{}",
        s.host,
        s.port,
        s.security.as_str(),
        if s.guessed { "\t(guessed)" } else { "" }
    )
}

fn source_text(s: &Source) -> String {
    match s {
        Source::ProviderDb { provider } => format!("bundled provider database ({provider})"),
        Source::Autoconfig { url } => format!("autoconfig {url}"),
        Source::Mx { mx, provider } => format!("MX record {mx} ({provider})"),
        Source::Ispdb { url } => format!("Thunderbird's ISPDB {url}"),
        Source::IspdbMx { mx, url } => format!("Thunderbird's ISPDB {url}, for the MX record {mx}"),
        Source::Srv => "SRV records (RFC 6186/8314)".into(),
        Source::Guess => "guessed host names, probed (confirm before sending a password)".into(),
    }
}

pub fn print(d: &Discovered) {
    println!("source\t{}", source_text(&d.source));
    if let Some(p) = &d.provider {
        println!("provider\t{p}");
    }
    for (k, list) in [("imap", &d.imap), ("pop3", &d.pop3), ("smtp", &d.smtp)] {
        for s in list {
            println!("{}", line(k, s, &d.email));
        }
    }
    let l10n = Localizer::new(system_language());
    for n in &d.notes {
        println!("note\t{}", l10n.tr(n, None));
    }
}

pub async fn run(email: &str, json: bool) -> Result<()> {
    let resolver = SystemResolver::new()
        .map_err(|e| CliError::Usage(format!("cannot start the DNS resolver: {e}")))?;
    let http = HttpsClient::default();
    let d = discovery::discover(email, &resolver, &http)
        .await
        .map_err(|e| CliError::Usage(e.to_string()))?;
    if json {
        return print_json(&d);
    }
    print(&d);
    Ok(())
}
