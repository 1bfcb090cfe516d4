//! The `webcare-lint` binary: parses arguments and dispatches; see `cli`.

mod cli;

/// mimalloc (v2, without transparent huge pages, so that peak memory stays at the glibc
/// allocator's level): a check allocates many small, short-lived vectors per reply on two
/// threads, where glibc's malloc and free took ~12% of the CPU of a library run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
