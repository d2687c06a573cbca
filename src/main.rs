//! The `techpact` binary: parse arguments, run, map the outcome to an exit
//! status (0 clean, 1 findings, 2 the run itself failed).

mod cli;

use std::process::ExitCode;

// Checking a large dataset allocates millions of small strings and maps;
// mimalloc serves them markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::parse();
    match cli::run(cli) {
        Ok(cli::Outcome::Clean) => ExitCode::SUCCESS,
        Ok(cli::Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            eprintln!(
                "techpact: error: {}",
                techpact::report::visible(&e.to_string())
            );
            ExitCode::from(2)
        }
    }
}
