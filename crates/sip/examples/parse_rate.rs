//! Native parse rate of the benchmark messages (crates/sip/bench/messages), messages per second.
//! Run with `cargo run --release -p sip --example parse_rate`.

use std::time::{Duration, Instant};

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/messages");
    let mut files: Vec<_> = std::fs::read_dir(&dir).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    println!("message                          crates/sip native, messages/s");
    for path in files {
        let Ok(text) = std::fs::read(&path) else { continue };
        assert!(sip::parse(&text).is_ok(), "{} must parse", path.display());
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < Duration::from_millis(300) {
            for _ in 0..1000 {
                std::hint::black_box(sip::parse(std::hint::black_box(&text)).is_ok());
            }
            n += 1000;
        }
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
        println!("{name:30} {:>14.0}", n as f64 / start.elapsed().as_secs_f64());
    }
}
