//! The house's layering rules, read from the source: no module of a crate uses a module that
//! uses it back (directly or round a longer loop). Cargo already forbids cycles between crates.
//!
//! A module's dependencies are the `crate::name` paths in its file (comments left out), which is
//! how this workspace names its siblings; `src/lib.rs` and `src/main.rs` are the crate roots
//! (they declare and re-export, so they are not nodes).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(&*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("..")
}

/// The `src` folders of every crate in the workspace.
fn source_dirs() -> Vec<PathBuf> {
    let root = workspace();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .collect();
    dirs.extend([root.join("src-tauri/src"), root.join("tray/src")]);
    dirs.retain(|d| d.is_dir());
    dirs.sort();
    dirs
}

/// The top-level module names a line refers to with `crate::` (in a path or a `use` group).
fn crate_refs(line: &str, out: &mut BTreeSet<String>) {
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        // `foo_crate::x` is another crate's path, not ours.
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a, b::{c, d}, e}`: the names at depth 0 of the group.
            let mut depth = 0;
            let mut name = String::new();
            let mut at_start = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        if !name.is_empty() {
                            out.insert(std::mem::take(&mut name));
                        }
                        at_start = true;
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 && at_start {
                    if c.is_alphanumeric() || c == '_' {
                        name.push(c);
                    } else if !name.is_empty() {
                        out.insert(std::mem::take(&mut name));
                        at_start = false;
                    }
                }
            }
            if at_start && !name.is_empty() {
                out.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
}

/// Module → the sibling modules it refers to, for one crate's `src`.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap();
        // The top-level module this file belongs to (`a.rs`, `a/mod.rs`, `a/b.rs` are all `a`).
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" || top == "bin" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let mut refs = BTreeSet::new();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            crate_refs(code, &mut refs);
        }
        refs.remove(&top);
        graph.entry(top).or_default().extend(refs);
    }
    graph
}

/// A cycle in `graph`, if there is one, as the modules round it.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut cycle = path[i..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for next in graph.get(n).into_iter().flatten() {
            if graph.contains_key(next) {
                if let Some(c) = visit(next, graph, path, done) {
                    return Some(c);
                }
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        if let Some(c) = visit(n, graph, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn the_reader_sees_the_paths_the_code_uses() {
    let mut refs = BTreeSet::new();
    crate_refs(
        "use crate::{thresholds, verdict::{a, b}, model::X};",
        &mut refs,
    );
    crate_refs(
        "let x = crate::store::load(); other_crate::nope::x();",
        &mut refs,
    );
    assert_eq!(
        refs.into_iter().collect::<Vec<_>>(),
        ["model", "store", "thresholds", "verdict"]
    );
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"])]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
            .collect();
    assert_eq!(find_cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
}

#[test]
fn no_module_uses_a_module_that_uses_it_back() {
    let dirs = source_dirs();
    assert!(dirs.len() >= 10, "{dirs:?}");
    let mut cycles = Vec::new();
    for src in dirs {
        let graph = module_graph(&src);
        if let Some(c) = find_cycle(&graph) {
            cycles.push(format!("{}: {}", src.display(), c.join(" → ")));
        }
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

/// The product code of `file` (what comes before its `#[cfg(test)]` module), without comments.
fn product_code(text: &str) -> String {
    let code = match text.find("#[cfg(test)]\nmod ") {
        Some(i) => &text[..i],
        None => text,
    };
    code.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where the code asks which system it is compiled for.
fn asks_the_system(code: &str) -> bool {
    let squeezed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    [
        "target_os",
        "cfg(unix",
        "cfg(windows",
        "cfg!(unix",
        "cfg!(windows",
        "not(unix",
        "not(windows",
        "any(unix",
        "any(windows",
    ]
    .iter()
    .any(|p| squeezed.contains(p))
}

#[test]
fn only_the_host_seam_and_the_tray_backend_choice_ask_which_system_this_is() {
    // Everything that asks the OS lives behind `preflight_host::Platform` (linux.rs, windows.rs);
    // the tray picks its icon backend by system. Tests may skip what a system cannot do.
    assert!(asks_the_system("#[cfg(target_os = \"linux\")]"));
    assert!(asks_the_system("#[cfg(any(unix,\n windows))]"));
    assert!(!asks_the_system("#[cfg(test)]"));
    let root = workspace();
    let allowed = [root.join("crates/host/src"), root.join("tray/src/main.rs")];
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = source_dirs();
    stack.push(root.join("cli/src"));
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if p.extension().is_none_or(|e| e != "rs") || allowed.iter().any(|a| p.starts_with(a)) {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        if asks_the_system(&product_code(&text)) {
            found.push(p.strip_prefix(&root).unwrap_or(&p).display().to_string());
        }
    }
    found.sort();
    assert!(
        found.is_empty(),
        "these ask which system they run on outside the host seam: {found:?}"
    );
}

/// The packages in `package`'s own dependency tree (normal dependencies, every target system),
/// resolved by cargo for that package alone, as it is built when it ships.
fn dependency_tree(package: &str) -> BTreeSet<String> {
    let out = std::process::Command::new(env!("CARGO"))
        .current_dir(workspace())
        .args([
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal",
            "--target",
            "all",
        ])
        .args(["--prefix", "none", "-p", package])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree -p {package}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Crates that open devices, run models or talk to the network.
const DEVICE_MODEL_OR_PROBE: &[&str] = &[
    "cpal",
    "nokhwa",
    "tract-onnx",
    "tract-core",
    "tract-linalg",
    "stun",
    "netdev",
    "tokio-rustls",
    "preflight-engine",
];

#[test]
fn the_verdict_rules_and_the_tray_link_no_device_model_or_probe() {
    // The rules judge figures; the tray waits for sessions all day (its footprint is what a
    // mentor pays). Both take the analysis crates for their types only.
    let engine = dependency_tree("preflight-engine");
    for c in ["cpal", "nokhwa", "tract-onnx", "stun", "netdev"] {
        assert!(
            engine.contains(c),
            "the reader misses {c} in the engine's tree"
        );
    }
    for package in ["preflight-verdict", "mentor-preflight-tray"] {
        let tree = dependency_tree(package);
        let found: Vec<_> = DEVICE_MODEL_OR_PROBE
            .iter()
            .filter(|c| tree.contains(**c))
            .collect();
        assert!(found.is_empty(), "{package} links {found:?}");
    }
    // The rules know nothing of calendars or the web either (the checklist, which needs the
    // schedule and the programmes, is the application layer's).
    let verdict = dependency_tree("preflight-verdict");
    let found: Vec<_> = [
        "ureq",
        "rustls",
        "tokio",
        "preflight-calendar",
        "preflight-scripts",
    ]
    .into_iter()
    .filter(|c| verdict.contains(*c))
    .collect();
    assert!(found.is_empty(), "preflight-verdict links {found:?}");
}

/// Every `.rs` file of the workspace's own code and tests (not the patched crates).
fn all_rust_files() -> Vec<PathBuf> {
    let root = workspace();
    let mut stack: Vec<PathBuf> = ["crates", "cli", "src-tauri", "tray", "tests"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    let mut out = Vec::new();
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            if p.file_name()
                .is_some_and(|n| n == "target" || n == "node_modules")
            {
                continue;
            }
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn only_the_context_knows_where_the_data_is_and_nothing_changes_the_environment() {
    // Use cases take a `preflight::Context` (data folder, clock, platform) that each shell
    // builds once; tests build their own in a temporary folder, so none of them changes the
    // process's environment and they run side by side.
    let root = workspace();
    let context = root.join("crates/preflight/src/context.rs");
    let mut found = Vec::new();
    for p in all_rust_files() {
        if p == context || p.ends_with("tests/architecture.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let asks_for_folders = ["dirs::data_dir", "dirs::config_dir", "dirs::data_local_dir"]
                .iter()
                .any(|d| code.contains(d));
            // The one exception: the app chooses GTK's X11 backend before it starts a thread
            // (Wayland ignores "always on top"); that is the toolkit's setting, read once by it.
            let changes_env = (code.contains("set_var(") || code.contains("remove_var("))
                && !code.contains("\"GDK_BACKEND\"");
            if asks_for_folders || changes_env {
                let rel = p.strip_prefix(&root).unwrap_or(&p).display().to_string();
                found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "outside the context: {found:#?}");
}

#[test]
fn the_shells_depend_on_the_application_layer_alone() {
    // The CLI, the app and the tray reach every domain crate through `preflight` (which
    // re-exports them), so the use cases are the one door to the data and the devices.
    let out = std::process::Command::new(env!("CARGO"))
        .current_dir(workspace())
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    let mut seen = 0;
    for shell in ["preflight-cli", "mentor-preflight", "mentor-preflight-tray"] {
        let p = packages
            .iter()
            .find(|p| p["name"] == shell)
            .unwrap_or_else(|| panic!("no package {shell}"));
        seen += 1;
        let ours: BTreeSet<&str> = p["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"].is_string() && d["kind"].is_null())
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            ours,
            BTreeSet::from(["preflight"]),
            "{shell}'s own workspace dependencies"
        );
    }
    assert_eq!(seen, 3);
}

#[test]
fn the_programme_domain_sits_below_the_calendar_and_the_scripts() {
    // Profiles (codes, sessions, checklist items, under-18 rules) are the domain the calendar,
    // the scripts and the application layer build on; they know none of those.
    let programme = dependency_tree("preflight-programme");
    for above in [
        "preflight-calendar",
        "preflight-scripts",
        "preflight-verdict",
        "preflight",
    ] {
        assert!(!programme.contains(above), "the programmes link {above}");
    }
    let calendar = dependency_tree("preflight-calendar");
    assert!(calendar.contains("preflight-programme"));
    assert!(
        !calendar.contains("preflight-scripts"),
        "the calendar needs the programmes, not the scripts"
    );
    assert!(dependency_tree("preflight-scripts").contains("preflight-programme"));
}
