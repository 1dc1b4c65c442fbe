//! Fuzz the documentation-page extractor and the tolerant JSON reader: no input may panic or hang.
//!   RUSTC_BOOTSTRAP=1 cargo fuzz run docs_page -- -max_total_time=600
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = drift::docs::tolerant::parse(&text, 1);
    for name in ["page.md", "page.html", "page.txt"] {
        let page = drift::docs::extract(name, &text);
        for ex in &page.examples {
            let _ = drift::docs::page::template_key(&ex.path);
        }
    }
});
