//! The code half of `callcenter inventory`: what in the org's source depends on the retired
//! desktop adapter or on Classic CTI (`scan`), the Open CTI replacement and rework hours of each
//! kind (`rules`), and the outputs (`output`). The definitions half is in `crate::report`.

pub mod output;
pub mod rules;
pub mod scan;
