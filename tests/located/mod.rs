//! The check shared by the fuzz tests of hand-written files: an error is located in the file.

use headroom_lab::textloc::LocatedError;
use proptest::prelude::*;

/// The error names `file` and, where it says, a line and a column that exist in `text`.
///
/// # Errors
/// The property that failed.
pub fn assert_located(e: &LocatedError, file: &str, text: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(&e.file, file);
    let lines: Vec<&str> = text.split('\n').collect();
    if let Some(line) = e.line {
        prop_assert!((1..=lines.len()).contains(&line), "{e}");
        if let Some(column) = e.column {
            prop_assert!((1..=lines[line - 1].chars().count() + 1).contains(&column), "{e}");
        }
    }
    prop_assert!(!e.message.is_empty());
    Ok(())
}
