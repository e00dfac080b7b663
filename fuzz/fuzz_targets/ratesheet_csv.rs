//! libFuzzer target: the rate-sheet reader (preview, then import), the input as a `.csv` file.
//! A finding (a panic in the core, an English message, an unclean refusal, a changed
//! database) panics here, and libFuzzer keeps the input as a crash.
#![no_main]

#[path = "../../src-tauri/core/tests/fuzz/targets.rs"]
mod targets;

use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static TARGET: RefCell<Option<targets::RateSheetTarget>> = const { RefCell::new(None) };
}

fuzz_target!(|data: &[u8]| {
    TARGET.with(|slot| {
        let mut slot = slot.borrow_mut();
        let target =
            slot.get_or_insert_with(|| targets::RateSheetTarget::new().expect("the target builds"));
        let run = target.run("takster.csv", data);
        assert!(run.faults.is_empty(), "{:#?}", run.faults);
    });
});
