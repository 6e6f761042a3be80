//! The mail screen's three panes (folders | list | reader) in an iced `pane_grid`: the
//! dividers are dragged with the mouse, and the two ratios are kept in the settings
//! (`folder_split`, `list_split`), so a restart opens with the same sizes.
use iced::widget::pane_grid::{self, Axis, Configuration, ResizeEvent, Split};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaneKind {
    Folders,
    List,
    Reader,
}

/// The narrowest a pane gets by dragging, in pixels.
pub const MIN_PANE: f32 = 140.0;

pub struct Panes {
    pub grid: pane_grid::State<PaneKind>,
}

/// A ratio the grid can hold (a saved file may have anything in it).
fn sane(r: f32, default: f32) -> f32 {
    if r.is_finite() && (0.05..=0.95).contains(&r) {
        r
    } else {
        default
    }
}

pub const DEFAULT_FOLDER_SPLIT: f32 = 0.18;
pub const DEFAULT_LIST_SPLIT: f32 = 0.45;

impl Panes {
    /// `folder_split`: the folder pane's share of the window; `list_split`: the list's
    /// share of what remains (the reader takes the rest).
    pub fn new(folder_split: f32, list_split: f32) -> Panes {
        let config = Configuration::Split {
            axis: Axis::Vertical,
            ratio: sane(folder_split, DEFAULT_FOLDER_SPLIT),
            a: Box::new(Configuration::Pane(PaneKind::Folders)),
            b: Box::new(Configuration::Split {
                axis: Axis::Vertical,
                ratio: sane(list_split, DEFAULT_LIST_SPLIT),
                a: Box::new(Configuration::Pane(PaneKind::List)),
                b: Box::new(Configuration::Pane(PaneKind::Reader)),
            }),
        };
        Panes {
            grid: pane_grid::State::with_configuration(config),
        }
    }

    /// (outer split, its ratio), (inner split, its ratio).
    fn splits(&self) -> Option<((Split, f32), (Split, f32))> {
        match self.grid.layout() {
            pane_grid::Node::Split { id, ratio, b, .. } => match b.as_ref() {
                pane_grid::Node::Split {
                    id: inner,
                    ratio: r,
                    ..
                } => Some(((*id, *ratio), (*inner, *r))),
                pane_grid::Node::Pane(_) => None,
            },
            pane_grid::Node::Pane(_) => None,
        }
    }

    /// (folder_split, list_split) as they are now.
    pub fn ratios(&self) -> (f32, f32) {
        self.splits()
            .map_or((DEFAULT_FOLDER_SPLIT, DEFAULT_LIST_SPLIT), |(a, b)| {
                (a.1, b.1)
            })
    }

    /// Applies a drag for a window `width` pixels wide, keeping every pane at least
    /// [`MIN_PANE`] wide; returns the new (folder_split, list_split).
    pub fn resize(&mut self, ev: ResizeEvent, width: f32) -> (f32, f32) {
        let Some(((outer, fr), (inner, _))) = self.splits() else {
            return self.ratios();
        };
        let width = width.max(3.0 * MIN_PANE + 1.0);
        if ev.split == outer {
            let rest_min = 2.0 * MIN_PANE / width;
            let r = ev.ratio.clamp(MIN_PANE / width, 1.0 - rest_min);
            self.grid.resize(outer, r);
        } else if ev.split == inner {
            let rest = width * (1.0 - fr);
            let m = (MIN_PANE / rest).min(0.45);
            self.grid.resize(inner, ev.ratio.clamp(m, 1.0 - m));
        }
        self.ratios()
    }

    /// The list pane's width in a window `width` pixels wide.
    pub fn list_width(&self, width: f32) -> f32 {
        let (f, l) = self.ratios();
        width * (1.0 - f) * l
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_round_trip_and_drags_keep_every_pane_usable() {
        let mut p = Panes::new(0.2, 0.5);
        assert_eq!(p.ratios(), (0.2, 0.5));
        assert!((p.list_width(1000.0) - 400.0).abs() < 0.01);
        let ((outer, _), (inner, _)) = p.splits().unwrap();
        // Dragging the folder divider almost to the left edge stops at MIN_PANE.
        let (f, _) = p.resize(
            ResizeEvent {
                split: outer,
                ratio: 0.01,
            },
            1000.0,
        );
        assert!((f - MIN_PANE / 1000.0).abs() < 1e-4, "{f}");
        let (_, l) = p.resize(
            ResizeEvent {
                split: inner,
                ratio: 0.7,
            },
            1000.0,
        );
        assert!((l - 0.7).abs() < 1e-4);
        // Garbage from a settings file falls back to the defaults.
        assert_eq!(
            Panes::new(f32::NAN, 7.0).ratios(),
            (DEFAULT_FOLDER_SPLIT, DEFAULT_LIST_SPLIT)
        );
    }
}
