//! The report over 50,000 generated call Tasks (the CLI export with the org package's fields,
//! multi-line descriptions, 200 agents in four waves over 30 days): prints how long reading,
//! counting and each output take. Figures, not asserts: `cargo bench -p callcenter --bench report`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Instant;

use callcenter::rollout::report::{build, Thresholds};
use callcenter::rollout::tasks::{read_tasks, PopOutcome};
use callcenter::rollout::waves::{Wave, WaveEntry};
use callcenter::rollout::{html, render};

const TASKS: usize = 50_000;
const AGENTS: usize = 200;

/// A small deterministic generator (xorshift64*), so every run reads the same file.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }
}

fn export() -> String {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut csv = String::from(
        "Id,Owner.Username,CreatedDate,CallType,CallObject,CallDurationInSeconds,Description,Softphone_Pop_Outcome__c,Softphone_Pop_Latency_Ms__c,Softphone_Log_Attempts__c\n",
    );
    for i in 0..TASKS {
        let agent = random.below(AGENTS);
        let day = 1 + random.below(30);
        let inbound = random.below(4) != 0;
        let outcome = PopOutcome::ALL[random.below(100).min(99) * PopOutcome::ALL.len() / 100 % PopOutcome::ALL.len()];
        let (outcome, latency) = if inbound { (outcome.as_str(), (200 + random.below(1500)).to_string()) } else { ("", String::new()) };
        let attempts = if random.below(100) == 0 { 2 } else { 1 };
        let _ = writeln!(
            csv,
            "00T{i:015},agent{agent}@acme.example,2026-11-{day:02}T{:02}:{:02}:00.000+0000,{},{i:x}@pbx.acme.example,{},\"Caller asked about order {i}, \"\"urgent\"\"\nCall back tomorrow\",{outcome},{latency},{attempts}",
            8 + random.below(10),
            random.below(60),
            if inbound { "Inbound" } else { "Outbound" },
            30 + random.below(900),
        );
    }
    csv
}

fn waves() -> BTreeMap<String, WaveEntry> {
    (0..AGENTS)
        .map(|a| {
            let wave = Wave::ALL[(a * Wave::ALL.len() / AGENTS).min(Wave::ALL.len() - 1)];
            (format!("agent{a}@acme.example"), WaveEntry { wave, start: None })
        })
        .collect()
}

fn main() {
    let csv = export();
    let waves = waves();
    let started = Instant::now();
    let tasks = read_tasks(&csv).expect("the generated export reads");
    let read = started.elapsed();
    let report = build(&tasks, &waves, Thresholds::default());
    let counted = started.elapsed();
    let text = render::text(&report);
    let after_text = started.elapsed();
    let json = render::json(&report);
    let after_json = started.elapsed();
    let page = html::page(&report);
    let total = started.elapsed();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!("report over {} Tasks ({:.1} MB of CSV, {AGENTS} agents, 30 days, 4 waves):", tasks.calls.len(), csv.len() as f64 / 1e6);
    println!("  read the CSV          {:8.1} ms", ms(read));
    println!("  count and judge       {:8.1} ms", ms(counted - read));
    println!("  text ({:>6} bytes)   {:8.1} ms", text.len(), ms(after_text - counted));
    println!("  JSON ({:>6} bytes)   {:8.1} ms", json.len(), ms(after_json - after_text));
    println!("  HTML ({:>6} bytes)   {:8.1} ms", page.len(), ms(total - after_json));
    println!("  total                 {:8.1} ms (goal: under 2000 ms)", ms(total));
}
