//! For the web page (wasm32) only: lists the shipped lessons and demos so that
//! `platform::web::fs` builds them into the page (`include_bytes!`); nothing is fetched.
//! Other targets read them from the folders and get an empty list.

use std::fmt::Write as _;
use std::path::Path;

/// The folders built into the page.
const SHIPPED: [&str; 2] = ["lessons", "assets/demos"];

fn main() {
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("shipped.rs");
    let web = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    // Read when the script runs, not when it was compiled: a build script compiled for one
    // checkout may be run for another (a shared target folder), and would list the old one's.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest);
    let mut code = String::from(
        "/// The shipped files, by path relative to the source tree.\npub static SHIPPED: &[(&str, &[u8])] = &[\n",
    );
    for dir in SHIPPED {
        println!("cargo::rerun-if-changed={dir}");
        if !web {
            continue;
        }
        // A page without its lessons and demos would still build and only fail when opened.
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", root.join(dir).display()))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().expect("a file name").to_string_lossy();
            let _ =
                writeln!(code, "    ({:?}, include_bytes!({:?})),", format!("{dir}/{name}"), f.display().to_string());
        }
    }
    code.push_str("];\n");
    std::fs::write(out, code).expect("write shipped.rs");
}
