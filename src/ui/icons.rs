//! Icons from the bundled Lucide icon font (the `lucide-icons` crate ships the TTF and the
//! code points): the same stroke style and metrics for every mark, folder and button.
use iced::widget::{Text, text};
pub use lucide_icons::Icon;

/// The font's family name, as registered with the window ([`FONT_BYTES`]).
pub const FONT_NAME: &str = "lucide";
pub const FONT_BYTES: &[u8] = lucide_icons::LUCIDE_FONT_BYTES;

/// One icon as a text widget of `size` pixels, centred in a square cell of that size.
pub fn icon<'a>(which: Icon, size: f32) -> Text<'a> {
    text(char::from(which).to_string())
        .font(iced::Font::with_name(FONT_NAME))
        .size(size)
        .line_height(iced::widget::text::LineHeight::Absolute(size.into()))
        .width(iced::Length::Fixed(size))
        .align_x(iced::alignment::Horizontal::Center)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icons_used_are_in_the_private_use_area_of_the_bundled_font() {
        for i in [
            Icon::Reply,
            Icon::Forward,
            Icon::Paperclip,
            Icon::Flag,
            Icon::Inbox,
            Icon::Folder,
        ] {
            let c = u32::from(char::from(i));
            assert!((0xE000..=0xF8FF).contains(&c), "{i}: {c:x}");
        }
        assert!(FONT_BYTES.len() > 10_000);
    }
}
