//! Settings about timing: how long a message stays open before it is marked read, how long
//! a sent message can still be taken back.
use crate::ui::app::{App, Message};
use crate::ui::settings::{MAX_MARK_READ_DELAY, MAX_UNDO_SEND_DELAY};
use fluent_bundle::FluentArgs;
use iced::widget::{column, row, slider, text};
use iced::{Element, Length};

/// A labelled slider over whole seconds `0..=max`.
fn seconds<'a>(
    label: String,
    value: u32,
    max: u32,
    on: impl Fn(u32) -> Message + 'a,
) -> Element<'a, Message> {
    row![
        text(label).size(13).width(Length::Fixed(360.0)),
        slider(0..=max, value, on).width(Length::Fixed(200.0)),
    ]
    .spacing(8)
    .into()
}

pub fn view(app: &App) -> Element<'_, Message> {
    let s = &app.settings;
    let mut args = FluentArgs::new();
    args.set("secs", s.mark_read_delay);
    let mut send = FluentArgs::new();
    send.set("secs", s.undo_send_delay);
    column![
        text(app.tr.tr("settings-timing", None)).size(17),
        seconds(
            app.tr.tr("settings-mark-read-delay", Some(&args)),
            s.mark_read_delay,
            MAX_MARK_READ_DELAY,
            Message::SetMarkReadDelay,
        ),
        seconds(
            app.tr.tr("settings-undo-send-delay", Some(&send)),
            s.undo_send_delay,
            MAX_UNDO_SEND_DELAY,
            Message::SetUndoSendDelay,
        ),
    ]
    .spacing(10)
    .into()
}
