//! The sync view's "Check connection": the button, and the doctor's steps in words (each
//! with its verdict, and what to do under the first failing one).
use crate::discovery::doctor::words;
use crate::ui::app::{AccountView, App, Message};
use crate::ui::doctor::DoctorState;
use iced::widget::{button, column, row, text};
use iced::{Element, Length};

pub fn button_for<'a>(app: &'a App, a: &'a AccountView) -> Element<'a, Message> {
    let running = matches!(app.doctor.get(&a.account.id), Some(DoctorState::Running));
    let b =
        button(text(app.tr.tr("sync-check-connection", None)).size(12)).style(button::secondary);
    if running {
        b.into()
    } else {
        b.on_press(Message::CheckConnection(a.account.id)).into()
    }
}

pub fn steps<'a>(app: &'a App, a: &'a AccountView) -> Element<'a, Message> {
    let mut col = column![].spacing(3);
    match app.doctor.get(&a.account.id) {
        None => {}
        Some(DoctorState::Running) => {
            col = col.push(
                text(app.tr.tr("sync-doctor-running", None))
                    .size(13)
                    .style(text::secondary),
            );
        }
        Some(DoctorState::Failed(f)) => {
            col = col.push(
                text(crate::ui::failure::failure_text(&app.tr, f))
                    .size(13)
                    .style(text::danger),
            );
        }
        Some(DoctorState::Done(steps)) => {
            for s in steps.iter() {
                let w = words(&app.tr, s);
                let mark = text(if s.ok { "✓" } else { "✗" })
                    .size(13)
                    .width(Length::Fixed(16.0))
                    .style(if s.ok { text::success } else { text::danger });
                col = col.push(
                    row![
                        mark,
                        text(w.title).size(13).width(Length::Fixed(260.0)),
                        text(w.verdict).size(13),
                    ]
                    .spacing(6),
                );
                if let Some(advice) = w.advice {
                    col = col.push(
                        row![
                            text("").width(Length::Fixed(16.0)),
                            text(advice).size(12).style(text::secondary)
                        ]
                        .spacing(6),
                    );
                }
            }
            let key = if steps.iter().all(|s| s.ok) {
                "doctor-all-passed"
            } else {
                "doctor-first-failing-short"
            };
            col = col.push(text(app.tr.tr(key, None)).size(13));
        }
    }
    col.into()
}
