//! Tab order, headless: the window's view is laid out as iced lays it out, the widget
//! operations the window's own update returns for Tab / Shift+Tab (and for opening a screen)
//! are run on it as iced's runtime runs them, and the focused field is read back. Tab must
//! walk the fields in visual order (top to bottom, left to right) and wrap; Shift+Tab the
//! reverse; each screen opens with the focus in its first field. The settings screen has no
//! field iced can focus (its choices are pick lists, togglers and sliders, which iced 0.14
//! does not focus): Tab there focuses nothing and changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use iced::keyboard::{self, Key, Modifiers, key::Named};
use iced::widget::Id;
use iced::{Rectangle, Size, Task};
use iced_test::core::widget::operation::{Focusable, Operation, Outcome, black_box};
use iced_test::runtime::{Action, UserInterface, user_interface};
use tayori::ui::app::{App, Message, Screen};

type Renderer = iced_test::renderer::Renderer;

const SIZE: Size = Size {
    width: 1280.0,
    height: 800.0,
};

/// The view laid out, with its widget state kept between operations.
struct Laid {
    renderer: Renderer,
    cache: Option<user_interface::Cache>,
}

impl Laid {
    fn new(app: &App) -> Laid {
        // Loads the window's fonts (as the other headless tests do) before measuring text.
        drop(crate::ui_layout::simulator(app, SIZE));
        use iced_test::core::renderer::Headless;
        let renderer = futures::executor::block_on(Renderer::new(
            iced::Font::with_name(tayori::ui::CJK_FONT_NAME),
            iced::Pixels(16.0),
            std::env::var("ICED_TEST_BACKEND").ok().as_deref(),
        ))
        .expect("a headless renderer");
        Laid {
            renderer,
            cache: Some(user_interface::Cache::default()),
        }
    }

    /// Runs `op` (and what it chains to) on the current view of `app`.
    fn operate<T: 'static>(&mut self, app: &App, op: Box<dyn Operation<T>>) -> Option<T> {
        let mut ui = UserInterface::build(
            app.view(),
            SIZE,
            self.cache.take().unwrap(),
            &mut self.renderer,
        );
        let mut current = op;
        let out = loop {
            ui.operate(&self.renderer, &mut black_box(current.as_mut()));
            match current.finish() {
                Outcome::None => break None,
                Outcome::Some(v) => break Some(v),
                Outcome::Chain(next) => current = next,
            }
        };
        self.cache = Some(ui.into_cache());
        out
    }

    /// Runs the widget operations of `task` (what the window's update returned).
    fn run(&mut self, app: &App, task: Task<Message>) {
        let Some(stream) = iced_test::runtime::task::into_stream(task) else {
            return;
        };
        // One action at a time: an operation's task ends only once the operation has run.
        for a in futures::executor::block_on_stream(stream) {
            if let Action::Widget(op) = a {
                self.operate::<()>(app, op);
            }
        }
    }

    fn focused(&mut self, app: &App) -> Option<Id> {
        self.operate(
            app,
            Box::new(iced_test::core::widget::operation::focusable::find_focused()),
        )
    }

    /// The focusable fields in tree order, with where they are drawn.
    fn fields(&mut self, app: &App) -> Vec<(Id, Rectangle)> {
        struct Collect(Vec<(Id, Rectangle)>);
        impl Operation<Vec<(Id, Rectangle)>> for Collect {
            fn traverse(
                &mut self,
                operate: &mut dyn FnMut(&mut dyn Operation<Vec<(Id, Rectangle)>>),
            ) {
                operate(self);
            }
            fn focusable(&mut self, id: Option<&Id>, bounds: Rectangle, _: &mut dyn Focusable) {
                if let Some(id) = id {
                    self.0.push((id.clone(), bounds));
                }
            }
            fn finish(&self) -> Outcome<Vec<(Id, Rectangle)>> {
                Outcome::Some(self.0.clone())
            }
        }
        self.operate(app, Box::new(Collect(Vec::new())))
            .unwrap_or_default()
    }
}

fn tab(shift: bool) -> Message {
    Message::Key(keyboard::Event::KeyPressed {
        key: Key::Named(Named::Tab),
        modified_key: Key::Named(Named::Tab),
        physical_key: keyboard::key::Physical::Code(keyboard::key::Code::Tab),
        location: keyboard::Location::Standard,
        modifiers: if shift {
            Modifiers::SHIFT
        } else {
            Modifiers::empty()
        },
        text: None,
        repeat: false,
    })
}

/// Checks the screen on show: its first field has the focus after `open`, Tab walks the
/// fields in visual order and wraps, Shift+Tab walks back. Returns the order.
fn check_order(app: &mut App, open: Task<Message>, first: &str) -> Vec<Id> {
    let mut laid = Laid::new(app);
    let fields = laid.fields(app);
    assert!(fields.len() >= 3, "too few fields: {fields:?}");
    // Tree order is visual order: each field below the one before, or on its line to the
    // right.
    for w in fields.windows(2) {
        let (a, b) = (w[0].1, w[1].1);
        assert!(
            b.y > a.y + 1.0 || ((b.y - a.y).abs() <= 1.0 && b.x > a.x),
            "{:?} at {a:?} comes before {:?} at {b:?}",
            w[0].0,
            w[1].0
        );
    }
    // The top bar's search field comes first (it is drawn above the screen), then the
    // screen's own fields.
    let order: Vec<Id> = fields.into_iter().map(|(id, _)| id).collect();
    let search = Id::from(tayori::ui::app::SEARCH_ID.to_string());
    assert_eq!(order[0], search, "{order:?}");
    laid.run(app, open);
    assert_eq!(laid.focused(app), Some(Id::from(first.to_string())));
    assert_eq!(
        order[1],
        Id::from(first.to_string()),
        "the first field is the top one"
    );
    let n = order.len();
    for step in 1..=n {
        let task = app.update(tab(false));
        laid.run(app, task);
        assert_eq!(
            laid.focused(app).as_ref(),
            Some(&order[(1 + step) % n]),
            "Tab number {step}"
        );
    }
    // Back at the first field: Shift+Tab goes to the search field, then the last field.
    for step in 1..=n {
        let task = app.update(tab(true));
        laid.run(app, task);
        let want = &order[(1 + n - step) % n];
        assert_eq!(
            laid.focused(app).as_ref(),
            Some(want),
            "Shift+Tab number {step}"
        );
    }
    order[1..].to_vec()
}

#[test]
fn the_wizard_opens_in_its_first_field_and_tab_walks_its_fields_in_order() {
    let t = Tayori::new();
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    assert_eq!(app.screen, Screen::Wizard, "no account: the wizard");
    let open = app.screen_focus();
    let order = check_order(&mut app, open, tayori::ui::wizard::FIRST_FIELD_ID);
    assert_eq!(
        order,
        ["wizard-name", "wizard-email", "wizard-password"]
            .map(|s| Id::from(s.to_string()))
            .to_vec()
    );
}

#[test]
fn the_manual_form_opens_in_email_and_tab_walks_its_fields_in_order() {
    let t = Tayori::new();
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    let open = app.update(Message::Nav(Screen::AddAccount));
    let order = check_order(&mut app, open, "form-Email");
    let names: Vec<Id> = [
        "Email", "Password", "Name", "Username", "Host", "Port", "SmtpHost", "SmtpPort", "CaFile",
    ]
    .map(|f| Id::from(format!("form-{f}")))
    .to_vec();
    assert_eq!(order, names);
}

#[test]
fn the_settings_screen_has_no_field_and_tab_focuses_nothing() {
    let dir = crate::ui_layout::data_dir(3);
    let mut app = App::new(Some(dir.path().to_path_buf()));
    let open = app.update(Message::Nav(Screen::Settings));
    let mut laid = Laid::new(&app);
    laid.run(&app, open);
    assert!(
        laid.fields(&app)
            .iter()
            .all(|(id, _)| *id == Id::from(tayori::ui::app::SEARCH_ID.to_string())),
        "only the search field of the top bar can take the focus"
    );
    let before = app.settings.clone();
    let task = app.update(tab(false));
    laid.run(&app, task);
    assert_eq!(app.settings, before, "Tab changes no setting");
}
