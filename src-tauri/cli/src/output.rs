//! Standard output that ends quietly when the reader goes away (`plads … | head -3`): a closed
//! pipe stops the command with exit code 0 and no message, instead of a panic; any other write
//! error is reported in Danish with exit code 1.

use std::io::Write;

/// Ends the process for a failed write to standard output.
pub fn failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("Fejl: kan ikke skrive til standard output: {e}");
    std::process::exit(1);
}

/// Writes formatted text to standard output.
pub fn write(args: std::fmt::Arguments) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        failed(&e);
    }
}

/// `println!` that ends quietly on a closed pipe.
#[macro_export]
macro_rules! outln {
    () => { $crate::output::write(format_args!("\n")) };
    ($($t:tt)*) => { $crate::output::write(format_args!("{}\n", format_args!($($t)*))) };
}

/// `print!` that ends quietly on a closed pipe.
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => { $crate::output::write(format_args!($($t)*)) };
}
