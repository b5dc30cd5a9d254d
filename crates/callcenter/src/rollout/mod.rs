//! Rolling a contact center over to this softphone in waves, measured: which users move when
//! (`waves`, `runbook`), and whether each wave may go on (`tasks` read from the org's export,
//! counted and judged by `report`, printed by `render` and `html`).

pub mod html;
pub mod render;
pub mod report;
pub mod runbook;
pub mod tasks;
pub mod waves;
