//! Registration storm: `agents` simulated agents (the SIP core of the app, over tokio WebSockets)
//! register with the development Kamailio on loopback; Kamailio is restarted, and the storm of
//! re-registrations is measured, once with the app's reconnect jitter and once without.
//!
//! Each storm is run after an immediate restart and after an outage of `--down-ms` (Kamailio
//! crashed and brought back by a supervisor), where the agents have gone through several
//! backoff rounds and the jitter windows are wider.
//!
//! Usage: dev/storm/run.sh [--agents 1000] [--port 8098] [--down-ms 5000] [--timeout-s 60]
//! Loopback only; stops by itself (each phase gives up after the timeout); Kamailio is stopped
//! at the end. Prints figures, asserts nothing.

mod agent;
mod pbx;
// The app's own reconnect policy, compiled in as it is; the storm uses only its backoff, not
// the failover calls the app's line makes.
#[path = "../../../crates/runtime/src/transport/reconnect.rs"]
#[allow(dead_code)]
mod reconnect;
mod stats;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agent::{Report, Shared};
use pbx::Pbx;
use tokio::sync::{mpsc, watch};

struct Options {
    agents: usize,
    port: u16,
    /// How long Kamailio stays down in the second pair of storms.
    down: Duration,
    timeout: Duration,
}

fn options() -> Result<Options, String> {
    let mut options = Options { agents: 1000, port: 8098, down: Duration::from_secs(5), timeout: Duration::from_secs(60) };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number: u64 = value.parse().map_err(|_| format!("{flag} {value}: not a number"))?;
        match flag.as_str() {
            "--agents" => options.agents = usize::try_from(number).map_err(|e| e.to_string())?,
            "--port" => options.port = u16::try_from(number).map_err(|e| e.to_string())?,
            "--down-ms" => options.down = Duration::from_millis(number),
            "--timeout-s" => options.timeout = Duration::from_secs(number),
            _ => return Err(format!("unknown option {flag}; usage: storm [--agents N] [--port P] [--down-ms MS] [--timeout-s S]")),
        }
    }
    Ok(options)
}

/// What one phase measured, in ms since the storm started.
#[derive(Default)]
struct Phase {
    registers: Vec<u64>,
    registered: HashSet<usize>,
    last_registered_ms: u64,
    connect_failures: usize,
    registration_failures: usize,
}

/// Collects reports until every agent is registered (true) or the timeout passes (false).
async fn collect(reports: &mut mpsc::UnboundedReceiver<Report>, agents: usize, timeout: Duration, phase: &mut Phase) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    while phase.registered.len() < agents {
        let report = match tokio::time::timeout_at(deadline, reports.recv()).await {
            Ok(Some(report)) => report,
            Ok(None) | Err(_) => return false,
        };
        match report {
            Report::RegisterSent { at_ms } => phase.registers.push(at_ms),
            Report::Registered { agent, at_ms } => {
                if phase.registered.insert(agent) {
                    phase.last_registered_ms = at_ms;
                }
            }
            Report::ConnectFailed => phase.connect_failures += 1,
            Report::RegistrationFailed => phase.registration_failures += 1,
        }
    }
    true
}

fn now_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Restarts Kamailio and measures the re-registration of every agent.
async fn restart_storm(pbx: &Pbx, shared: &Shared, reports: &mut mpsc::UnboundedReceiver<Report>, options: &Options, down: Duration, label: &str) -> Result<(), String> {
    while reports.try_recv().is_ok() {}
    let killed_ms = now_ms(shared.started);
    pbx.stop()?;
    tokio::time::sleep(down).await;
    pbx.start()?;
    let listening_ms = now_ms(shared.started);
    let mut phase = Phase::default();
    let complete = collect(reports, options.agents, options.timeout, &mut phase).await;
    phase.registers.sort_unstable();
    let first = phase.registers.first().copied().unwrap_or(listening_ms);
    let last = phase.registers.last().copied().unwrap_or(listening_ms);
    println!("\n{label}:");
    println!("  Kamailio stopped and listening again after {} ms", listening_ms - killed_ms);
    if complete {
        println!(
            "  all {} agents registered again {} ms after the stop ({} ms after Kamailio listened again)",
            options.agents,
            phase.last_registered_ms.saturating_sub(killed_ms),
            phase.last_registered_ms.saturating_sub(listening_ms)
        );
    } else {
        println!("  only {} of {} agents registered again within {} s", phase.registered.len(), options.agents, options.timeout.as_secs());
    }
    println!(
        "  REGISTERs sent: {} over {} ms; peak {} in one second, {} in 100 ms ({} per second at that pace)",
        phase.registers.len(),
        last - first,
        stats::peak_in_window(&phase.registers, 1_000),
        stats::peak_in_window(&phase.registers, 100),
        stats::peak_in_window(&phase.registers, 100) * 10
    );
    println!("  refused connection attempts (Kamailio not up yet): {}; refused registrations: {}", phase.connect_failures, phase.registration_failures);
    let histogram = stats::histogram(&phase.registers, killed_ms, 100);
    let shown: Vec<String> = histogram.iter().enumerate().filter(|(_, n)| **n > 0).map(|(i, n)| format!("{}:{n}", i * 100)).collect();
    println!("  REGISTERs per 100 ms after the stop (ms:count): {}", shown.join(" "));
    if complete {
        Ok(())
    } else {
        Err(format!("{label}: {} agents never registered again", options.agents - phase.registered.len()))
    }
}

async fn storm(options: Options) -> Result<(), String> {
    let accounts = pbx::accounts(options.agents);
    let run_dir = std::env::temp_dir().join(format!("softphone-storm-{}", options.port));
    let pbx = Pbx::new(options.port, run_dir, &accounts).map_err(|e| e.to_string())?;
    pbx.start()?;
    let result = run_storm(&pbx, &options, accounts).await;
    pbx.stop()?;
    result
}

async fn run_storm(pbx: &Pbx, options: &Options, accounts: Vec<pbx::Account>) -> Result<(), String> {
    let (report_tx, mut reports) = mpsc::unbounded_channel();
    let (stop_tx, stop_rx) = watch::channel(false);
    let shared = Shared {
        url: format!("ws://127.0.0.1:{}", options.port),
        domain: "127.0.0.1".into(),
        started: Instant::now(),
        jitter: Arc::new(AtomicBool::new(true)),
        reports: report_tx,
        stop: stop_rx,
    };
    println!("storm: {} agents against Kamailio on {} (loopback)", options.agents, shared.url);
    let began = now_ms(shared.started);
    let mut tasks = Vec::with_capacity(accounts.len());
    for (index, account) in accounts.into_iter().enumerate() {
        tasks.push(tokio::task::spawn_local(agent::run(index, account, shared.clone())));
        // A gentle first sign-in: one agent a millisecond.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let mut first = Phase::default();
    if !collect(&mut reports, options.agents, options.timeout, &mut first).await {
        let _ = stop_tx.send(true);
        return Err(format!("only {} of {} agents registered at the start", first.registered.len(), options.agents));
    }
    println!("first sign-in, one agent a millisecond: all {} registered in {} ms", options.agents, first.last_registered_ms.saturating_sub(began));
    let mut result = Ok(());
    // `--down-ms 0`: the immediate restart only.
    let outages = if options.down.is_zero() { vec![Duration::ZERO] } else { vec![Duration::ZERO, options.down] };
    for down in outages {
        for jitter in [true, false] {
            shared.jitter.store(jitter, Ordering::Relaxed);
            let how = if jitter { "with the app's jitter (±20 %)" } else { "without jitter (every agent waits alike)" };
            let label = format!("Kamailio restarted after {} ms down, reconnects {how}", down.as_millis());
            result = result.and(restart_storm(pbx, &shared, &mut reports, options, down, &label).await);
        }
    }
    let _ = stop_tx.send(true);
    for task in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
    }
    result
}

fn main() {
    let result = options().and_then(|options| {
        // One thread: the SIP core's user agent is not Send, and one thread keeps up with the PBX.
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        tokio::task::LocalSet::new().block_on(&runtime, storm(options))
    });
    if let Err(e) = result {
        eprintln!("storm: {e}");
        std::process::exit(1);
    }
}
