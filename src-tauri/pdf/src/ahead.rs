//! The contract PDF laid out while the save dialog is open.
//!
//! The window asks for the file name (`prepare_export`) just before it opens the save dialog;
//! the PDF thread lays the contract out meanwhile, and the export after the dialog takes the
//! finished PDF instead of laying it out again. A render depends on its input only (the
//! template, the view model's bytes, the PDF's identifier and its date: no clock, no file
//! system), so a PDF kept for an equal input is byte for byte the one a render would give.

use crate::Rendered;
use std::cell::RefCell;

/// Everything a render depends on.
#[derive(PartialEq, Eq)]
pub(crate) struct Input {
    pub template: String,
    pub bytes: Vec<u8>,
    pub ident: String,
    pub date: chrono::NaiveDate,
}

thread_local! {
    /// The one PDF laid out ahead, with its input. Only the PDF thread touches it.
    static SLOT: RefCell<Option<(Input, Rendered)>> = const { RefCell::new(None) };
}

/// The PDF laid out ahead for `input`, taken out of the slot; `None` when the slot holds
/// another input's PDF (it is kept: the dialog for it may still be open) or none.
pub(crate) fn take(input: &Input) -> Option<Rendered> {
    SLOT.with(|slot| {
        let mut slot = slot.borrow_mut();
        match slot.take() {
            Some((kept, rendered)) if kept == *input => Some(Rendered {
                laid_out_ahead: true,
                ..rendered
            }),
            other => {
                *slot = other;
                None
            }
        }
    })
}

/// Whether the slot already holds the PDF for `input`.
pub(crate) fn holds(input: &Input) -> bool {
    SLOT.with(|slot| matches!(&*slot.borrow(), Some((kept, _)) if kept == input))
}

/// Keeps `rendered` for `input`, in place of any PDF kept before.
pub(crate) fn keep(input: Input, rendered: Rendered) {
    SLOT.with(|slot| *slot.borrow_mut() = Some((input, rendered)));
}
