//! The benchmark's floor: read and parse every record file with serde_json on
//! a fixed number of threads, and nothing else. `techpact check` is measured
//! against this.
//!
//! `cargo run --release --example parse_floor -- DATA_DIR [THREADS]`

use std::path::{Path, PathBuf};

use rayon::prelude::*;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for collection in std::fs::read_dir(dir).expect("data directory") {
        let collection = collection.expect("entry").path();
        for file in std::fs::read_dir(&collection).expect("collection") {
            out.push(file.expect("entry").path());
        }
    }
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: parse_floor DATA_DIR [THREADS]"));
    let threads = args
        .next()
        .map_or(2, |t| t.parse().expect("THREADS is a number"));
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .expect("thread pool");
    let files = files(&dir);
    let bad = files
        .par_iter()
        .filter(|path| {
            let bytes = std::fs::read(path).expect("readable file");
            serde_json::from_slice::<serde_json::Value>(&bytes).is_err()
        })
        .count();
    println!("{} files, {bad} not JSON", files.len());
    std::process::exit(i32::from(bad > 0));
}
