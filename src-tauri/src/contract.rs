//! The contract between Rust and the windows, generated and checked from the Rust side.
//!
//! The `#[tauri::command]` functions in this crate's source are the one place a command is
//! written. From them:
//! - `ui/src/api.ts` is generated: one typed function per command (arguments named as Rust names
//!   them, in the camelCase Tauri expects; argument and result types from the generated
//!   bindings), so a renamed or retyped argument fails the UI's type check, not a WebDriver
//!   test. `cargo test` writes it; `./dev test` fails when it changed and was not committed.
//! - the test below fails when `generate_handler!`, the permissions `build.rs` declares or the
//!   windows' capabilities name a command that does not exist, or leave one out.
//!
//! Events are typed the same way: [`crate::events::AppEvent`] is every event with its payload,
//! exported to TypeScript, and `ui/src/events.ts` listens through it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use syn::{FnArg, GenericArgument, Item, Pat, PathArguments, ReturnType, Type};

/// One command as its Rust function declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// The function's (and so the command's) name.
    pub name: String,
    /// The arguments the window passes: (Rust name, TypeScript type).
    pub args: Vec<(String, String)>,
    /// The raw request body is the argument (`tauri::ipc::Request`): bytes plus headers.
    pub raw_body: bool,
    /// What the promise resolves to (errors reject it).
    pub returns: String,
}

/// Arguments Tauri fills in itself, never sent by a window.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow", "Webview"];

fn crate_dir() -> PathBuf {
    PathBuf::from(&*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
}

/// `snake_case` → `camelCase`, as Tauri names command arguments in the window.
pub fn camel(s: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in s.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The TypeScript for a Rust type; the named types it uses are added to `named`.
fn ts(ty: &Type, named: &mut BTreeSet<String>) -> Result<String, String> {
    match ty {
        Type::Reference(r) => ts(&r.elem, named),
        Type::Tuple(t) if t.elems.is_empty() => Ok("null".into()),
        Type::Path(p) => {
            let seg = p.path.segments.last().ok_or("empty type path")?;
            let args: Vec<&Type> = match &seg.arguments {
                PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|g| match g {
                        GenericArgument::Type(t) => Some(t),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let name = seg.ident.to_string();
            Ok(match name.as_str() {
                "String" | "str" => "string".into(),
                "bool" => "boolean".into(),
                "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize"
                | "f32" | "f64" => "number".into(),
                "Option" => format!("{} | null", ts(args[0], named)?),
                "Vec" => format!("Array<{}>", ts(args[0], named)?),
                "Result" => ts(args[0], named)?,
                "BTreeMap" | "HashMap" => {
                    format!("Record<{}, {}>", ts(args[0], named)?, ts(args[1], named)?)
                }
                "Channel" => {
                    named.insert("Channel".into());
                    format!("Channel<{}>", ts(args[0], named)?)
                }
                _ => {
                    named.insert(name.clone());
                    name
                }
            })
        }
        other => Err(format!("no TypeScript for {}", quote::quote!(#other))),
    }
}

fn is_injected(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => is_injected(&r.elem),
        Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| INJECTED.contains(&s.ident.to_string().as_str())),
        _ => false,
    }
}

fn is_request(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Request"))
}

/// The commands in `source` (one Rust file), and the named types they use.
pub fn commands_in(source: &str, named: &mut BTreeSet<String>) -> Result<Vec<Command>, String> {
    let file = syn::parse_file(source).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for item in file.items {
        let Item::Fn(f) = item else { continue };
        let is_command = f.attrs.iter().any(|a| {
            let p = a.path();
            p.segments.len() == 2
                && p.segments[0].ident == "tauri"
                && p.segments[1].ident == "command"
        });
        if !is_command {
            continue;
        }
        let name = f.sig.ident.to_string();
        let mut args = Vec::new();
        let mut raw_body = false;
        for input in &f.sig.inputs {
            let FnArg::Typed(t) = input else { continue };
            if is_injected(&t.ty) {
                continue;
            }
            if is_request(&t.ty) {
                raw_body = true;
                continue;
            }
            let Pat::Ident(id) = &*t.pat else {
                return Err(format!("{name}: an argument is not a plain name"));
            };
            args.push((id.ident.to_string(), ts(&t.ty, named)?));
        }
        let returns = match &f.sig.output {
            ReturnType::Default => "null".into(),
            ReturnType::Type(_, ty) => ts(ty, named)?,
        };
        out.push(Command {
            name,
            args,
            raw_body,
            returns,
        });
    }
    Ok(out)
}

/// Every command of the app, in source order (files by name), and the named types they use.
pub fn all_commands() -> Result<(Vec<Command>, BTreeSet<String>), String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(crate_dir().join("src"))
        .map_err(|e| e.to_string())?
        .map(|e| e.map(|e| e.path()).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|x| x == "rs"));
    files.sort();
    let mut named = BTreeSet::new();
    let mut all = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| e.to_string())?;
        all.extend(commands_in(&text, &mut named).map_err(|e| format!("{}: {e}", f.display()))?);
    }
    Ok((all, named))
}

/// `ui/src/api.ts` for `commands`, importing the named types from the generated bindings (a
/// type without one fails the UI's type check, which names it).
pub fn api_ts(commands: &[Command], named: &BTreeSet<String>) -> String {
    let mut out = String::from(
        "// Generated from the app's #[tauri::command] functions (src-tauri/src/contract.rs) by\n\
         // `cargo test -p mentor-preflight`. Do not edit: change the Rust function instead.\n\n",
    );
    let core: Vec<&str> = if named.contains("Channel") {
        vec!["Channel", "invoke"]
    } else {
        vec!["invoke"]
    };
    out.push_str(&format!(
        "import {{ {} }} from \"@tauri-apps/api/core\";\n",
        core.join(", ")
    ));
    for n in named.iter().filter(|n| *n != "Channel") {
        out.push_str(&format!("import type {{ {n} }} from \"./bindings/{n}\";\n"));
    }
    for c in commands {
        out.push('\n');
        let f = camel(&c.name);
        if c.raw_body {
            out.push_str(&format!(
                "export function {f}(body: Uint8Array, headers: Record<string, string>): Promise<{r}> {{\n  return invoke<{r}>(\"{n}\", body, {{ headers }});\n}}\n",
                r = c.returns,
                n = c.name
            ));
            continue;
        }
        let params: Vec<String> = c
            .args
            .iter()
            .map(|(a, t)| format!("{}: {t}", camel(a)))
            .collect();
        let payload = if c.args.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = c.args.iter().map(|(a, _)| camel(a)).collect();
            format!(", {{ {} }}", names.join(", "))
        };
        out.push_str(&format!(
            "export function {f}({p}): Promise<{r}> {{\n  return invoke<{r}>(\"{n}\"{payload});\n}}\n",
            p = params.join(", "),
            r = c.returns,
            n = c.name
        ));
    }
    out
}

/// The command names `generate_handler![…]` lists in `main.rs`.
fn handler_list(main_rs: &str) -> BTreeSet<String> {
    let start = main_rs
        .find("generate_handler![")
        .expect("main.rs registers its commands with generate_handler!");
    let body = &main_rs[start + "generate_handler![".len()..];
    let body = &body[..body.find(']').expect("generate_handler! is closed")];
    body.split(',')
        .map(|s| {
            s.trim()
                .rsplit("::")
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// The quoted names in `build.rs`'s command list.
fn build_list(build_rs: &str) -> BTreeSet<String> {
    let start = build_rs
        .find(".commands(&[")
        .expect("build.rs declares the commands");
    let body = &build_rs[start..];
    let body = &body[..body.find("])").expect("the list is closed")];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// `allow-<command>` permissions each window's capability grants, by window.
fn granted() -> BTreeMap<String, BTreeSet<String>> {
    let dir = crate_dir().join("capabilities");
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let cmds = v["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect();
        out.insert(v["identifier"].as_str().unwrap().to_string(), cmds);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_reads_as_its_typescript() {
        let mut named = BTreeSet::new();
        let src = r#"
            #[tauri::command]
            async fn run_check(mut options: CheckOptions, on_progress: Channel<Progress>, s: State<'_, X>) -> Result<Report, String> { todo!() }
            #[tauri::command]
            fn stop(app: tauri::AppHandle) {}
            #[tauri::command]
            pub async fn schedule_import(request: tauri::ipc::Request<'_>) -> Result<Option<Vec<ImportSummary>>, String> { todo!() }
            fn not_a_command(x: u32) {}
        "#;
        let cmds = commands_in(src, &mut named).unwrap();
        assert_eq!(cmds.len(), 3);
        assert_eq!(
            cmds[0].args,
            [
                ("options".to_string(), "CheckOptions".to_string()),
                ("on_progress".to_string(), "Channel<Progress>".to_string())
            ]
        );
        assert_eq!(cmds[0].returns, "Report");
        assert_eq!((cmds[1].args.len(), cmds[1].returns.as_str()), (0, "null"));
        assert!(cmds[2].raw_body);
        assert_eq!(cmds[2].returns, "Array<ImportSummary> | null");
        assert_eq!(
            named.iter().map(String::as_str).collect::<Vec<_>>(),
            [
                "Channel",
                "CheckOptions",
                "ImportSummary",
                "Progress",
                "Report"
            ]
        );
        assert_eq!(camel("on_progress"), "onProgress");
        assert_eq!(camel("under_18"), "under18");
    }

    /// Writes `ui/src/api.ts` from the commands (like ts-rs writes the bindings).
    #[test]
    fn export_api() {
        let (commands, named) = all_commands().unwrap();
        let root = crate_dir().join("../ui/src");
        let text = api_ts(&commands, &named);
        // Every command the app registers has its function, calling it by its own name…
        let main_rs = std::fs::read_to_string(crate_dir().join("src/main.rs")).unwrap();
        let registered = handler_list(&main_rs);
        assert!(!registered.is_empty());
        for name in &registered {
            let c = commands.iter().find(|c| &c.name == name);
            assert!(c.is_some(), "{name} is registered but was not read");
            assert!(
                text.contains(&format!("export function {}(", camel(name)))
                    && text.contains(&format!("(\"{name}\"")),
                "api.ts has no function for {name}"
            );
        }
        // …and every type it names is a generated binding (or Tauri's Channel).
        for n in named.iter().filter(|n| *n != "Channel") {
            assert!(
                root.join("bindings").join(format!("{n}.ts")).is_file(),
                "api.ts imports {n}, which ts-rs did not generate"
            );
        }
        let path = root.join("api.ts");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).unwrap();
        }
    }

    #[test]
    fn every_command_is_registered_declared_and_granted_and_nothing_else_is() {
        let (commands, _) = all_commands().unwrap();
        let names: BTreeSet<String> = commands.iter().map(|c| c.name.clone()).collect();
        let main_rs = std::fs::read_to_string(crate_dir().join("src/main.rs")).unwrap();
        assert_eq!(
            handler_list(&main_rs),
            names,
            "generate_handler! in main.rs"
        );
        let build_rs = std::fs::read_to_string(crate_dir().join("build.rs")).unwrap();
        assert_eq!(build_list(&build_rs), names, "the command list in build.rs");
        let granted = granted();
        let mut anywhere = BTreeSet::new();
        for (window, cmds) in &granted {
            for c in cmds {
                assert!(
                    names.contains(c),
                    "capability {window} grants {c}, which is no command"
                );
            }
            anywhere.extend(cmds.iter().cloned());
        }
        for n in &names {
            assert!(anywhere.contains(n), "{n} is granted to no window");
        }
    }
}
