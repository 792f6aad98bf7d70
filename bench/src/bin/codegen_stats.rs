//! Time and peak heap of generating crates in-process, as `cargo xtask codegen --model` does
//! (load, select, IR, render and format; files stay in memory). Times come from runs with the
//! byte counting off (its shared counters would slow the render workers down); the peak from one
//! more run with it on. Prints one JSON object per model:
//! `{"model": .., "files": .., "median_ms": .., "min_ms": .., "max_ms": .., "peak_bytes": ..}`.
//!
//! Usage: `codegen_stats <RUNS> <MODEL.json>...`

use std::alloc::{GlobalAlloc, Layout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use mimalloc::MiMalloc;

/// mimalloc (the allocator `cargo xtask codegen` runs with), counting live bytes and their
/// high-water mark.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { MiMalloc.alloc(layout) };
        if !ptr.is_null() && COUNTING.load(Ordering::Relaxed) {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { MiMalloc.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            release(layout.size());
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        if !new.is_null() && COUNTING.load(Ordering::Relaxed) {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                release(layout.size() - new_size);
            }
        }
        new
    }
}

/// Counts `bytes` as freed; saturating, since memory allocated before counting began may be
/// freed while it is on.
fn release(bytes: usize) {
    let _ = LIVE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |live| Some(live.saturating_sub(bytes)));
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|r| r.parse().ok()).expect("usage: codegen_stats <RUNS> <MODEL.json>...");
    for model in args.map(PathBuf::from) {
        let mut options = codegen::Options { models: vec![model.clone()], ..Default::default() };
        // Services whose protocol is not spoken yet are timed as the types-only crates they give.
        options.types_only = !codegen::speaks_protocol(&options).unwrap_or_else(|e| panic!("{}: {e}", model.display()));
        let generate = || codegen::generate(&options).unwrap_or_else(|e| panic!("{}: {e}", model.display()));
        let files = generate().len(); // warm-up
        let mut times = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            drop(generate());
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        // Live bytes are counted from zero for this one run.
        LIVE.store(0, Ordering::SeqCst);
        PEAK.store(0, Ordering::SeqCst);
        COUNTING.store(true, Ordering::SeqCst);
        drop(generate());
        COUNTING.store(false, Ordering::SeqCst);
        let peak = PEAK.load(Ordering::SeqCst);
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
