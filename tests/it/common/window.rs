//! Driving the real window (`App`) headless: the tasks its update returns are run as iced's
//! runtime runs them (their futures on a tokio runtime), and each message they produce is fed
//! back, so a click runs the same engine code as in the window.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use futures::StreamExt;
use iced::Task;
use iced_test::runtime::{Action, task::into_stream};
use iced_test::selector::Candidate;
use iced_test::simulator;
use tayori::model::AccountId;
use tayori::ui::app::{App, Message};

/// Runs `task` and everything it leads to; returns the messages produced. The scheduler's
/// hook (`AccountCreated`) is recorded, not run: it starts the sync workers.
pub fn drive(rt: &tokio::runtime::Runtime, app: &mut App, task: Task<Message>) -> Vec<Message> {
    let mut seen = Vec::new();
    let mut queue = vec![task];
    while let Some(task) = queue.pop() {
        let Some(stream) = into_stream(task) else {
            continue;
        };
        let actions: Vec<Action<Message>> = rt.block_on(stream.collect());
        for action in actions {
            if let Action::Output(m) = action {
                seen.push(m.clone());
                if !matches!(m, Message::AccountCreated(_)) {
                    queue.push(app.update(m));
                }
            }
        }
    }
    seen
}

/// Sends `msg` to the window and runs what follows.
pub fn send(rt: &tokio::runtime::Runtime, app: &mut App, msg: Message) -> Vec<Message> {
    let task = app.update(msg);
    drive(rt, app, task)
}

/// Clicks the widget labelled `label` and runs what follows.
pub fn press(rt: &tokio::runtime::Runtime, app: &mut App, label: &str) -> Vec<Message> {
    let messages = {
        let mut ui = simulator(app.view());
        ui.click(label)
            .unwrap_or_else(|e| panic!("no {label:?} to click: {e:?}"));
        ui.into_messages().collect::<Vec<_>>()
    };
    assert!(!messages.is_empty(), "clicking {label:?} did nothing");
    let mut seen = Vec::new();
    for m in messages {
        seen.extend(send(rt, app, m));
    }
    seen
}

/// The account the window announced as created (the hook the scheduler is told through).
pub fn created(messages: &[Message]) -> Option<AccountId> {
    messages.iter().find_map(|m| match m {
        Message::AccountCreated(id) => Some(*id),
        _ => None,
    })
}

/// Every text on screen.
pub fn screen_texts(app: &App) -> Vec<String> {
    let mut all = Vec::new();
    let mut ui = simulator(app.view());
    let _ = ui.find(|c: Candidate<'_>| {
        if let Candidate::Text { content, .. } = c {
            all.push(content.to_string());
        }
        None::<()>
    });
    all
}

/// Asserts a text on screen starts with `start`, and no text contains any of `never`.
pub fn assert_screen(app: &App, start: &str, never: &[&str]) {
    let texts = screen_texts(app);
    assert!(
        texts.iter().any(|t| t.starts_with(start)),
        "no text starting with {start:?} on screen: {texts:#?}"
    );
    for n in never {
        assert!(
            !texts.iter().any(|t| t.contains(n)),
            "{n:?} is on screen: {texts:#?}"
        );
    }
}
