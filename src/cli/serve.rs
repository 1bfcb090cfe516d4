//! `webcare-lint serve`: loads and compiles the packs once, binds, and serves until SIGTERM
//! or SIGINT; in-flight requests finish, then the process exits 0.

use super::args::{Channel, PackArgs, Register};
use super::{CLEAN, CliError, emit, load_packs};
use clap::Args;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use webcare_lint::engine::Context;
use webcare_lint::serve::{Config, Server, Service};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; loopback by default. The API has no authentication: bind to
    /// another address only behind a proxy that has.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8081")]
    pub addr: String,
    #[command(flatten)]
    pub pack: PackArgs,
    /// Channel for requests that name none (LanguageTool clients never do).
    #[arg(long, value_enum)]
    pub channel: Option<Channel>,
    /// The house's form of address for requests that name none.
    #[arg(long, value_enum)]
    pub register: Option<Register>,
    /// Worker threads (connections served at once).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: u16,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot listen on {addr}: {source}")]
#[diagnostic(
    code(webcare_lint::serve::bind),
    help("pick a free port with --addr 127.0.0.1:PORT (port 0 lets the system choose)")
)]
struct BindError {
    addr: String,
    source: std::io::Error,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("server stopped: {0}")]
struct RunError(std::io::Error);

pub fn run(args: ServeArgs) -> Result<u8, CliError> {
    let packs = load_packs(&args.pack.packs)?;
    let defaults = Context {
        channel: args.channel.map(|c| c.id().to_string()),
        register: args.register.map(|r| r.id().to_string()),
        ..Context::default()
    };
    let service = Service::new(&packs, defaults);
    let rules: usize = packs.iter().map(|p| p.rules.len()).sum();
    let config = Config {
        threads: usize::from(args.threads),
        ..Config::default()
    };
    let server = Server::bind(&args.addr, service, config).map_err(|source| {
        Box::new(BindError {
            addr: args.addr.clone(),
            source,
        }) as CliError
    })?;
    let addr = server
        .local_addr()
        .map_err(|e| Box::new(RunError(e)) as CliError)?;
    let stop = server.shutdown_handle();
    let mut signals =
        Signals::new([SIGTERM, SIGINT]).map_err(|e| Box::new(RunError(e)) as CliError)?;
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            stop.trigger();
        }
    });
    if !addr.ip().is_loopback() {
        eprintln!(
            "note: listening on {} (not loopback); anyone who can reach it can use it",
            addr.ip()
        );
    }
    emit(&format!("listening on http://{addr}\n"))?;
    eprintln!(
        "{} packs, {rules} rules; page at http://{addr}/, LanguageTool API at http://{addr}/v2/; \
         stop with Ctrl-C",
        packs.len()
    );
    server
        .run()
        .map_err(|e| Box::new(RunError(e)) as CliError)?;
    eprintln!("stopped");
    Ok(CLEAN)
}
