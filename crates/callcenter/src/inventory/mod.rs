//! The code half of `callcenter inventory`: what in the org's source depends on the retired
//! desktop adapter or on Classic CTI (`scan`), the Open CTI replacement and rework hours of each
//! kind (`rules`), or the Salesforce Voice ones with `--to salesforce-voice` (`voice_rules`), and
//! the outputs (`output`). The definitions half is in `crate::report`.

pub mod output;
pub mod rules;
pub mod scan;
pub mod voice_rules;
