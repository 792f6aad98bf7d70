//! Time and peak heap of generating crates in-process, as `cargo xtask codegen --model` does
//! (load, select, IR, render and format; files stay in memory). Prints one JSON object per model:
//! `{"model": .., "files": .., "median_ms": .., "min_ms": .., "max_ms": .., "peak_bytes": ..}`.
//!
//! Usage: `codegen_stats <RUNS> <MODEL.json>...`

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|r| r.parse().ok()).expect("usage: codegen_stats <RUNS> <MODEL.json>...");
    for model in args.map(PathBuf::from) {
        let options = codegen::Options { models: vec![model.clone()], ..Default::default() };
        let mut times = Vec::new();
        let mut peak = 0;
        let mut files = 0;
        // One warm-up run, then the measured ones.
        for run in 0..=runs {
            let before = LIVE.load(Ordering::Relaxed);
            PEAK.store(before, Ordering::Relaxed);
            let started = Instant::now();
            let generated = codegen::generate(&options).unwrap_or_else(|e| panic!("{}: {e}", model.display()));
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            files = generated.len();
            drop(generated);
            if run > 0 {
                times.push(elapsed);
                peak = peak.max(PEAK.load(Ordering::Relaxed) - before);
            }
        }
        times.sort_by(f64::total_cmp);
        let json = serde_json::json!({
            "model": model.file_name().map(|n| n.to_string_lossy().into_owned()),
            "files": files,
            "median_ms": times[times.len() / 2],
            "min_ms": times[0],
            "max_ms": times[times.len() - 1],
            "peak_bytes": peak,
        });
        println!("{json}");
    }
}
