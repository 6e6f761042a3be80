//! Tab and Shift+Tab that wrap around: iced's own `focus_next` leaves nothing focused after
//! the last field (one Tab press lost); this one goes from the last field to the first,
//! and Shift+Tab from the first to the last.
use iced::{Rectangle, Task};
use iced_runtime::core::widget::Id;
use iced_runtime::core::widget::operation::focusable::{Count, Focusable, count};
use iced_runtime::core::widget::operation::{Operation, then};
use iced_runtime::task::widget as operate;

struct Cycle {
    count: Count,
    current: usize,
    forward: bool,
}

impl<T> Operation<T> for Cycle {
    fn focusable(&mut self, _id: Option<&Id>, _bounds: Rectangle, state: &mut dyn Focusable) {
        let total = self.count.total.max(1);
        let target = match (self.count.focused, self.forward) {
            (None, true) => 0,
            (None, false) => total - 1,
            (Some(f), true) => (f + 1) % total,
            (Some(f), false) => (f + total - 1) % total,
        };
        if self.current == target {
            state.focus();
        } else if self.count.focused == Some(self.current) {
            state.unfocus();
        }
        self.current += 1;
    }

    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation<T>)) {
        operate(self);
    }
}

/// Focuses the next field (`forward`) or the previous one, wrapping around.
pub fn cycle<T: Send + 'static>(forward: bool) -> Task<T> {
    // `then` takes a plain function: one per direction.
    if forward {
        operate(then(count(), |count| Cycle {
            count,
            current: 0,
            forward: true,
        }))
    } else {
        operate(then(count(), |count| Cycle {
            count,
            current: 0,
            forward: false,
        }))
    }
}
