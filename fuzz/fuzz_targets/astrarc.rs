//! The `.astrarc` reader on arbitrary bytes: it may refuse them, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let path = std::path::Path::new("/fuzz/.astrarc");
    for profile in ["default", "dev", ""] {
        let _ = astra_cli::config::astrarc::read_profile(path, &text, profile);
    }
});
