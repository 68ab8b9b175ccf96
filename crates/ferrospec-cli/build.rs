//! Embeds the bundled profiles (`profiles/*`) into the binary as `(relative path, contents)`
//! tables, so `ferrospec exec` works from any directory with no files beside it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest
        .join("../../profiles")
        .canonicalize()
        .expect("profiles/ exists beside crates/");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut out = String::from(
        "/// Bundled profiles: (name, files as (relative path, contents)).\npub(crate) static BUNDLED: &[(&str, &[(&str, &str)])] = &[\n",
    );
    let mut profiles: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("profiles/ is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("inspec.yml").is_file())
        .collect();
    profiles.sort();
    for p in profiles {
        let name = p
            .file_name()
            .expect("a directory name")
            .to_string_lossy()
            .into_owned();
        writeln!(out, "    ({name:?}, &[").expect("write to string");
        let mut files = Vec::new();
        collect(&p, &p, &mut files);
        files.sort();
        for (rel, abs) in files {
            println!("cargo:rerun-if-changed={}", abs.display());
            writeln!(
                out,
                "        ({rel:?}, include_str!({:?})),",
                abs.display().to_string()
            )
            .expect("write to string");
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundled.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    println!("cargo:rerun-if-changed={}", dir.display());
    for e in std::fs::read_dir(dir)
        .expect("profile directory is readable")
        .filter_map(Result::ok)
    {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .expect("inside root")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path));
        }
    }
}
