//! The module graph of `src/` has no cycles, the top of the clap tree (`cli`) is imported only by
//! `app`, and the commands (which hold their own clap arguments) only by `app` and `cli`: read from the `use crate::…` lines of every file (tests and comments aside).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let module = relative.split(['/', '.']).next().unwrap().to_owned();
            if module == "main" || module == "lib" || !relative.ends_with(".rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            let deps = graph.entry(module.clone()).or_default();
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for part in line.split("crate::").skip(1) {
                    let name: String = part
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != module {
                        deps.insert(name);
                    }
                }
            }
        }
    }
    graph
}

#[test]
fn the_module_graph_has_no_cycles_and_no_upward_imports() {
    let graph = graph();
    assert!(graph.len() > 10, "{graph:?}");
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            panic!(
                "cycle: {}",
                [&path[at..], &[node.to_owned()]].concat().join(" -> ")
            );
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(node.to_owned());
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
    for (module, deps) in &graph {
        if deps.contains("cli") || deps.contains("app") {
            assert_eq!(module, "app", "{module} imports upward");
        }
        // Each command's arguments live beside it: `cli` only puts the tree together.
        if deps.contains("commands") {
            assert!(
                ["app", "cli"].contains(&module.as_str()),
                "{module} imports the commands"
            );
        }
    }
}

/// A test file that `main.rs` does not name is never compiled, and its tests never run.
#[test]
fn every_test_file_is_a_module_of_the_test_binary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
    let declared: BTreeSet<String> = main
        .lines()
        .filter_map(|line| line.trim().strip_prefix("mod "))
        .map(|rest| rest.trim_end_matches(';').trim().to_owned())
        .collect();
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .filter(|name| name != "main")
        .collect();
    let missing: Vec<&String> = files.difference(&declared).collect();
    assert!(
        missing.is_empty(),
        "tests/it/main.rs does not name {missing:?}"
    );
    assert!(files.contains("rotate") && declared.contains("access_review"));
}
