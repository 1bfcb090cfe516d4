//! The `webcare-lint` binary: parses arguments and dispatches; see `cli`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
