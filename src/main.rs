//! The `techpact` binary: parse arguments, run, map the outcome to an exit
//! status (0 clean, 1 findings, 2 the run itself failed).

mod allocator;
mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::parse();
    // A release allocates and frees large blocks by the thousand (its
    // archives' compression blocks, the site's pages): purged at once, each
    // is faulted in again, which cost a release of 100,000 records 3 s of
    // system time and a tenth of its time for a sixth less memory.
    if !matches!(cli.command, cli::Command::Release(_)) {
        allocator::purge_at_once();
    }
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
