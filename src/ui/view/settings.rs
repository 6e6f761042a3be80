//! Settings: language, theme, offline download policy, per-account sync, pane widths.
use crate::model::{OfflineMode, OfflinePolicy};
use crate::ui::app::{App, Message};
use crate::ui::settings::ThemeChoice;
use iced::widget::{button, column, container, row, scrollable, text, toggler};
use iced::{Element, Length};

fn choice<'a>(label: String, on: bool, msg: Message) -> Element<'a, Message> {
    button(text(label).size(14))
        .on_press(msg)
        .style(if on {
            button::primary
        } else {
            button::secondary
        })
        .into()
}

pub fn view(app: &App) -> Element<'_, Message> {
    let s = &app.settings;
    let tr = |k: &str| app.tr.tr(k, None);
    let lang = row![
        choice(
            tr("lang-system"),
            s.language.is_none(),
            Message::SetLanguage(None)
        ),
        choice(
            "English".into(),
            s.language.as_deref() == Some("en"),
            Message::SetLanguage(Some("en".into()))
        ),
        choice(
            "日本語".into(),
            s.language.as_deref() == Some("ja"),
            Message::SetLanguage(Some("ja".into()))
        ),
    ]
    .spacing(6);
    let theme = row![
        choice(
            tr("theme-system"),
            s.theme == ThemeChoice::System,
            Message::SetTheme(ThemeChoice::System)
        ),
        choice(
            tr("theme-light"),
            s.theme == ThemeChoice::Light,
            Message::SetTheme(ThemeChoice::Light)
        ),
        choice(
            tr("theme-dark"),
            s.theme == ThemeChoice::Dark,
            Message::SetTheme(ThemeChoice::Dark)
        ),
    ]
    .spacing(6);
    // Per account: sync on/off and which bodies to keep here (applied at once by the engine).
    let mut accounts = column![].spacing(10);
    for a in &app.accounts {
        let id = a.account.id;
        let p = a.offline;
        let with = |mode| Message::SetOffline(id, OfflinePolicy { mode, ..p });
        // One choice per line: the Japanese labels do not fit side by side at 900 px.
        let download = column![
            choice(
                tr("download-on-demand"),
                p.mode == OfflineMode::OnDemand,
                with(OfflineMode::OnDemand)
            ),
            choice(
                tr("download-recent"),
                matches!(p.mode, OfflineMode::Days(_)),
                with(OfflineMode::Days(30))
            ),
            choice(
                tr("download-all"),
                p.mode == OfflineMode::All,
                with(OfflineMode::All)
            ),
        ]
        .spacing(6);
        accounts = accounts.push(
            column![
                text(a.account.email.clone()).size(15),
                toggler(a.account.sync_enabled)
                    .label(tr("settings-account-sync"))
                    .on_toggle(move |on| Message::SetAccountSync(id, on)),
                text(tr("settings-download")).size(13),
                download,
            ]
            .spacing(6),
        );
    }
    let notifications = toggler(s.notifications)
        .label(tr("settings-notifications"))
        .on_toggle(Message::SetNotifications);
    let section = |k: &str| text(app.tr.tr(k, None)).size(17);
    let col = column![
        text(tr("settings-heading")).size(22),
        section("settings-language"),
        lang,
        section("settings-theme"),
        theme,
        notifications,
        super::settings_timing::view(app),
        section("settings-accounts"),
        accounts,
        super::settings_remote::view(app),
    ]
    .spacing(10);
    scrollable(container(col).padding(16))
        .height(Length::Fill)
        .into()
}
