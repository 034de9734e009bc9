//! Replays the cross-language scenarios (`tests/scenarios/*.json`) in every language and
//! prints the parity table. Each (scenario, language) gets a fresh sandbox, so runs cannot
//! see each other's writes. The runners only execute the steps and write their outcomes
//! (JSON lines); [`check`] applies the expectations, once for every language. A failing or
//! missing cell fails `cargo xtask test`.

mod check;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::demo::{SandboxProcess, start_sandbox_bin, target_dir};
use crate::util;

/// A language's scenario runner: `program args... MANIFEST RESULTS`, writing `RESULTS` as
/// JSON lines (one per step; `tests/scenarios/README.md`, "Runners").
pub struct Runner {
    pub language: String,
    pub program: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

pub fn scenario_files(root: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("tests/scenarios"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

pub fn run(root: &Path) -> Result<()> {
    let cargo = util::cargo();
    util::run(
        root,
        &cargo,
        &[
            "build",
            "--quiet",
            "-p",
            "zkbiotime-e2e",
            "--bin",
            "scenarios",
            "-p",
            "zkbiotime-sandbox",
        ],
    )?;
    let mut runners = vec![Runner {
        language: "rust".into(),
        program: target_dir(root).join("debug/scenarios").display().to_string(),
        args: vec![],
        env: vec![],
    }];
    runners.extend(crate::bindings::scenario_runners(root)?);

    let out_dir = target_dir(root).join("scenario-results");
    let mut files = scenario_files(root)?;
    files.extend(hostile_scenarios(root, &out_dir.join("hostile"))?);
    let scenarios: Vec<(String, Value)> = files
        .iter()
        .map(|f| -> Result<(String, Value)> {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(f)?)
                .with_context(|| format!("reading {}", f.display()))?;
            let name = v["name"].as_str().context("scenario without name")?.to_string();
            Ok((name, v))
        })
        .collect::<Result<_>>()?;
    let names: Vec<String> = scenarios.iter().map(|(n, _)| n.clone()).collect();
    std::fs::create_dir_all(&out_dir)?;

    let mut table: BTreeMap<String, BTreeMap<String, (bool, String)>> = BTreeMap::new();
    for runner in &runners {
        let (_sandboxes, manifest) = start_sandboxes(root, &files)?;
        let manifest_path = out_dir.join(format!("{}-manifest.json", runner.language));
        let results_path = out_dir.join(format!("{}.jsonl", runner.language));
        std::fs::write(&manifest_path, serde_json::to_string_pretty(&manifest)?)?;
        let _ = std::fs::remove_file(&results_path);
        eprintln!("--> scenarios in {}", runner.language);
        let status = Command::new(&runner.program)
            .args(&runner.args)
            .arg(&manifest_path)
            .arg(&results_path)
            .envs(runner.env.iter().map(|(k, v)| (k, v)))
            .current_dir(root)
            .status()
            .with_context(|| format!("starting the {} runner", runner.language))?;
        let outcomes =
            check::parse_lines(&std::fs::read_to_string(&results_path).unwrap_or_default());
        for (name, scenario) in &scenarios {
            let cell = match check::check_scenario(scenario, outcomes.get(name)) {
                Ok(()) if status.success() => (true, String::new()),
                Ok(()) => (false, format!("the runner exited with {status}")),
                Err(why) => (false, why),
            };
            table.entry(name.clone()).or_default().insert(runner.language.clone(), cell);
        }
    }
    print_table(&names, &runners, &table);
    let table = &table;
    let failures: Vec<String> = names
        .iter()
        .flat_map(|scenario| {
            runners.iter().filter_map(move |r| match table.get(scenario)?.get(&r.language)? {
                (false, why) => Some(format!("{scenario} in {}: {why}", r.language)),
                (true, _) => None,
            })
        })
        .collect();
    if !failures.is_empty() {
        println!("first failure per failing cell:\n  {}\n", failures.join("\n  "));
        bail!("{} scenario cells failed", failures.len());
    }
    Ok(())
}

/// Each entry of the hostile corpus as a one-step scenario (written under `dir`): the
/// sandbox serves the scripted answer, the step expects the corpus's error kind or count.
fn hostile_scenarios(root: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    let corpus: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(
        root.join("crates/zkbiotime-sandbox/hostile/corpus.json"),
    )?)?;
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::new();
    for entry in corpus {
        let name = entry["name"].as_str().context("corpus entry without name")?;
        let call = entry["call"].as_str().context("corpus entry without call")?;
        let (resource, op) = call.split_once('.').context("call is resource.op")?;
        let mut step = json!({"op": op, "resource": resource});
        match op {
            "get" => step["id"] = json!(1),
            "list" => step["filters"] = json!({}),
            other => bail!("corpus call {other} has no scenario op"),
        }
        // The corpus's error kind, or the number of records and the values they carry
        // (`all` of a list; a `get` checks them as the record's `fields`, and its one record
        // is its success: no `records`).
        let mut expect = serde_json::Map::new();
        for key in ["error", "records", "all"] {
            if key == "records" && op == "get" {
                continue;
            }
            if let Some(v) = entry["expect"].get(key) {
                let key = if key == "all" && op == "get" { "fields" } else { key };
                expect.insert(key.into(), v.clone());
            }
        }
        step["expect"] = Value::Object(expect);
        let scenario = json!({
            "name": format!("hostile/{name}"),
            "description": entry["description"],
            "sandbox": ["--hostile", name],
            "client": {"retries": 2, "timeout_s": 2},
            "steps": [step],
        });
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, serde_json::to_string_pretty(&scenario)?)?;
        files.push(path);
    }
    Ok(files)
}

/// One sandbox per scenario, with the scenario's flags; kept alive by the returned handles.
fn start_sandboxes(root: &Path, files: &[PathBuf]) -> Result<(Vec<SandboxProcess>, Value)> {
    let mut sandboxes = Vec::new();
    let mut manifest = Vec::new();
    for f in files {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(f)?)?;
        let args: Vec<String> = v["sandbox"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let sandbox = start_sandbox_bin(&target_dir(root).join("debug/zkbiotime-sandbox"), &args)?;
        manifest.push(json!({"scenario": f.display().to_string(), "url": sandbox.url}));
        sandboxes.push(sandbox);
    }
    Ok((sandboxes, Value::Array(manifest)))
}

fn print_table(
    names: &[String],
    runners: &[Runner],
    table: &BTreeMap<String, BTreeMap<String, (bool, String)>>,
) {
    let width = names.iter().map(String::len).max().unwrap_or(8).max(8);
    let mut header = format!("\n{:width$}", "scenario");
    for r in runners {
        header.push_str(&format!(" | {:^8}", r.language));
    }
    println!("{header}");
    println!("{}", "-".repeat(header.len() - 1));
    for name in names {
        let mut line = format!("{name:width$}");
        for r in runners {
            let pass = table.get(name).and_then(|row| row.get(&r.language)).is_some_and(|c| c.0);
            line.push_str(&format!(" | {:^8}", if pass { "pass" } else { "FAIL" }));
        }
        println!("{line}");
    }
    println!();
}
