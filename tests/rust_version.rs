//! `rust-version` in Cargo.toml stays true: it is at least the `rust-version`
//! of every locked dependency. CI builds with one toolchain only, so this
//! compares the declarations instead of building with the oldest compiler.

use std::process::Command;

use semver::Version;
use serde_json::Value;

/// A `rust-version` such as `1.89` or `1.89.0` as a full version.
fn version(text: &str) -> Version {
    let parts = text.split('.').count();
    let full = match parts {
        1 => format!("{text}.0.0"),
        2 => format!("{text}.0"),
        _ => text.to_string(),
    };
    Version::parse(&full).unwrap_or_else(|e| panic!("rust-version `{text}`: {e}"))
}

#[test]
fn rust_version_covers_every_locked_dependency() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    let ours = packages
        .iter()
        .find(|p| p["name"] == "techpact")
        .and_then(|p| p["rust_version"].as_str())
        .map(version)
        .expect("Cargo.toml declares rust-version");
    let mut needs: Vec<(Version, &str)> = packages
        .iter()
        .filter(|p| p["name"] != "techpact")
        .filter_map(|p| Some((version(p["rust_version"].as_str()?), p["name"].as_str()?)))
        .collect();
    needs.sort();
    let (newest, name) = needs.last().expect("dependencies declare rust-version");
    assert!(
        ours >= *newest,
        "Cargo.toml says rust-version {ours}, but the locked `{name}` needs {newest}"
    );
}
