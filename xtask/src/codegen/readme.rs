//! Quick starts live once, in each binding's README, where that binding's tests execute
//! them. The top-level README shows them too: `cargo xtask codegen` copies each region
//! marked `<!-- include PATH NAME -->` ... `<!-- /include -->` from PATH's section NAME, and
//! the freshness check fails when the copy drifts. The region `<!-- resources -->` ...
//! `<!-- /resources -->` is the table of resources, from the spec model.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::codegen::Output;
use crate::codegen::resources::Resource;

const START: &str = "<!-- include ";
const END: &str = "<!-- /include -->";

const TABLE_START: &str = "<!-- resources -->";
const TABLE_END: &str = "<!-- /resources -->";

pub fn outputs(root: &Path, resources: &[Resource]) -> Result<Vec<Output>> {
    let path = root.join("README.md");
    let text = std::fs::read_to_string(&path).context("reading README.md")?;
    let text = expand(root, &text)?;
    Ok(vec![Output { path, contents: with_table(&text, resources)? }])
}

/// `text` with the resources region replaced by the table of `resources`.
fn with_table(text: &str, resources: &[Resource]) -> Result<String> {
    let (Some(start), Some(end)) = (text.find(TABLE_START), text.find(TABLE_END)) else {
        bail!("README.md needs a {TABLE_START} ... {TABLE_END} region");
    };
    let mut table =
        String::from("\n| resource | path | operations | servers |\n|---|---|---|---|\n");
    for r in resources {
        let mut ops = vec!["list".to_string()];
        if r.get_op.is_some() {
            ops.push("get".into());
        }
        if let Some(w) = &r.write {
            ops.push("create".into());
            ops.push(format!("update ({})", w.update_method));
            ops.push("delete".into());
            if let Some(key) = &w.upsert_key {
                ops.push(format!("upsert by `{key}`"));
            }
        }
        ops.extend(r.actions.iter().map(|a| match &a.servers {
            Some(servers) => format!("{} ({servers} only)", a.name),
            None => a.name.clone(),
        }));
        if r.sync {
            ops.push("sync".into());
        }
        let servers = r.servers.as_deref().unwrap_or("all");
        table +=
            &format!("| `{}` | `{}` | {} | {servers} |\n", r.name, r.list.path, ops.join(", "));
    }
    let head = &text[..start + TABLE_START.len()];
    Ok(format!("{head}\n{table}\n{}", &text[end..]))
}

fn expand(root: &Path, text: &str) -> Result<String> {
    let mut out = String::new();
    let mut lines = text.split_inclusive('\n');
    while let Some(line) = lines.next() {
        out.push_str(line);
        let Some(spec) = line.trim().strip_prefix(START).and_then(|s| s.strip_suffix("-->")) else {
            continue;
        };
        let mut parts = spec.split_whitespace();
        let (Some(file), Some(name)) = (parts.next(), parts.next()) else {
            bail!("README include needs a path and a section name: {line:?}");
        };
        let source = std::fs::read_to_string(root.join(file))
            .with_context(|| format!("README includes {file}"))?;
        out.push_str(&section(&source, name).with_context(|| format!("{file}: {name}"))?);
        // Skip the old copy up to the end marker.
        loop {
            let Some(old) = lines.next() else { bail!("README include of {file} has no end") };
            if old.trim() == END {
                out.push_str(old);
                break;
            }
        }
    }
    Ok(out)
}

/// The lines after `<!-- NAME ...-->` up to `<!-- NAME:end -->`, or else the fenced code
/// block that follows the marker.
fn section(source: &str, name: &str) -> Result<String> {
    let lines: Vec<&str> = source.split_inclusive('\n').collect();
    let is_marker = |l: &str, want: &str| {
        l.trim()
            .strip_prefix("<!-- ")
            .and_then(|rest| rest.split([' ', '\n']).next())
            .is_some_and(|token| token.trim_end_matches("-->") == want)
    };
    let start = lines
        .iter()
        .position(|l| is_marker(l, name) || is_marker(l, &format!("{name}:start")))
        .context("no such section marker")?;
    let end_marker = format!("{name}:end");
    if let Some(end) = lines.iter().skip(start + 1).position(|l| is_marker(l, &end_marker)) {
        return Ok(lines[start + 1..start + 1 + end].concat());
    }
    let open = (start + 1..lines.len())
        .find(|&i| lines[i].trim_start().starts_with("```"))
        .context("no code block after the marker")?;
    let close = (open + 1..lines.len())
        .find(|&i| lines[i].trim() == "```")
        .context("unclosed code block")?;
    Ok(lines[open..=close].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_by_end_marker_or_code_block() {
        let src = "x\n<!-- a:start -->\none\ntwo\n<!-- a:end -->\n<!-- b (run) -->\n```js\ncode\n```\nafter\n";
        assert_eq!(section(src, "a").unwrap(), "one\ntwo\n");
        assert_eq!(section(src, "b").unwrap(), "```js\ncode\n```\n");
        assert!(section(src, "c").is_err());
    }
}
