//! The reader's formatted view: the message painted by the layout engine, shown as image
//! tiles at its own colours (a dark theme does not invert mail), the "remote images
//! blocked" bar, the plain/formatted switch, and a link's real target shown before it
//! opens when the link's text says something else.
use crate::model::MessageId;
use crate::ui::app::{App, Message};
use crate::ui::html::{HtmlMsg, HtmlView};
use iced::widget::{button, column, container, image, mouse_area, row, sensor, text};
use iced::{Element, Length, mouse};

fn html(m: HtmlMsg) -> Message {
    Message::Html(m)
}

/// The message body: the formatted view when the message has HTML (and the user did not
/// ask for plain text), else `text_view` (with the fallback sentence when layout refused).
pub fn body<'a>(
    app: &'a App,
    id: MessageId,
    text_view: Element<'a, Message>,
) -> Element<'a, Message> {
    let st = &app.html;
    if st.id != Some(id) || st.body.is_none() {
        return text_view;
    }
    let tr = |k: &str| app.tr.tr(k, None);
    let formatted = st.formatted(id);
    let switch = button(
        text(tr(if formatted {
            "html-show-plain"
        } else {
            "html-show-formatted"
        }))
        .size(12),
    )
    .on_press(html(HtmlMsg::Plain(formatted)))
    .style(button::secondary);
    if !formatted {
        return column![switch, text_view].spacing(10).into();
    }
    let measured = |content: Element<'a, Message>| -> Element<'a, Message> {
        sensor(container(content).width(Length::Fill))
            .on_show(|s| html(HtmlMsg::Width(s.width)))
            .on_resize(|s| html(HtmlMsg::Width(s.width)))
            .into()
    };
    match &st.view {
        HtmlView::None | HtmlView::Waiting => column![
            switch,
            measured(
                text(tr("html-rendering"))
                    .size(13)
                    .style(text::secondary)
                    .into()
            )
        ]
        .spacing(10)
        .into(),
        HtmlView::Fallback(key) => {
            column![text(tr(key)).size(13).style(text::secondary), text_view]
                .spacing(10)
                .into()
        }
        HtmlView::Shown(p) => {
            let mut col = column![switch].spacing(10);
            if !p.page.blocked.is_empty() && !p.remote_allowed {
                col = col.push(blocked_bar(app));
            }
            if let Some((href, _)) = &st.confirm {
                col = col.push(confirm_bar(app, href));
            }
            let tiles = p.tiles.iter().fold(column![], |c, (handle, h)| {
                c.push(
                    image(handle.clone())
                        .width(Length::Fixed(p.page.width as f32))
                        .height(Length::Fixed(*h as f32)),
                )
            });
            let pointer = if st.hovered_link().is_some() {
                mouse::Interaction::Pointer
            } else {
                mouse::Interaction::default()
            };
            let page = mouse_area(tiles)
                .on_move(|at| html(HtmlMsg::Hover(at)))
                .on_press(html(HtmlMsg::Click))
                .interaction(pointer);
            col = col.push(measured(page.into()));
            if p.page.truncated && !p.page.partial {
                col = col.push(bar(
                    tr("html-truncated"),
                    vec![(tr("html-show-plain"), HtmlMsg::Plain(true))],
                    false,
                ));
            }
            col.into()
        }
    }
}

/// A line above the page: a sentence and its buttons (the first of them primary when
/// `primary_first`).
fn bar<'a>(
    sentence: String,
    buttons: Vec<(String, HtmlMsg)>,
    primary_first: bool,
) -> Element<'a, Message> {
    let mut line = row![text(sentence).size(13).width(Length::Fill)]
        .spacing(8)
        .align_y(iced::Alignment::Center);
    for (i, (label, msg)) in buttons.into_iter().enumerate() {
        let style = if i == 0 && primary_first {
            button::primary
        } else {
            button::secondary
        };
        line = line.push(
            button(text(label).size(12))
                .on_press(html(msg))
                .style(style),
        );
    }
    container(line)
        .padding([6, 10])
        .style(container::rounded_box)
        .into()
}

fn blocked_bar(app: &App) -> Element<'_, Message> {
    let tr = |k: &str| app.tr.tr(k, None);
    bar(
        tr("html-remote-blocked"),
        vec![
            (tr("html-remote-once"), HtmlMsg::ShowOnce),
            (tr("html-remote-always"), HtmlMsg::AlwaysSender),
        ],
        false,
    )
}

fn confirm_bar<'a>(app: &'a App, href: &str) -> Element<'a, Message> {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("url", crate::render::url::printable(href));
    bar(
        app.tr.tr("html-link-goes-to", Some(&args)),
        vec![
            (app.tr.tr("html-link-open", None), HtmlMsg::Confirm(true)),
            (app.tr.tr("folder-cancel", None), HtmlMsg::Confirm(false)),
        ],
        true,
    )
}
