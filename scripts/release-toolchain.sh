# The toolchain and flags of the wasm the softphone ships, in one place: sourced by
# scripts/build-release.sh (the app), scripts/setup.sh (installs it), scripts/size-by-crate.sh and
# crates/sip/bench/run.sh (the SIP core's size build), so what is measured is what ships.
#
# A pinned nightly rebuilds the standard library for the app's own size settings (build-std, at
# opt-level z) and makes a panic abort at once (panic=immediate-abort): no panic messages, no
# formatting machinery kept for them, no hook. Measured 2026-12-07: the download 313.5 KB ->
# 287.9 KB gzip. A panic in the browser is a bug either way (the libraries deny unwrap, expect and
# indexing on input); with this build it shows as "RuntimeError: unreachable" in the console
# instead of its message. Native builds and tests stay on stable.
RELEASE_TOOLCHAIN=nightly-2026-05-20

# Runs a command (trunk, cargo) with the release toolchain and flags, for the wasm32 target only.
with_release_toolchain() {
  RUSTUP_TOOLCHAIN=$RELEASE_TOOLCHAIN \
    CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" \
    "$@"
}
