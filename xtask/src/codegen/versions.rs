//! One version for every package: `[workspace.package] version` in the root Cargo.toml.
//!
//! Every workspace member says `version.workspace = true`; `cargo xtask codegen` writes the
//! workspace version into every other place that carries one, rewriting only that value:
//!
//! - path dependencies (`[workspace.dependencies]` and any member's dependency tables) get
//!   `version = "X"`, which crates.io needs to publish a crate that depends on another;
//! - bindings/python/pyproject.toml: maturin reads the version from Cargo when `[project]`
//!   says `dynamic = ["version"]`; a literal `version = ...` there is rewritten instead;
//! - bindings/node/package.json (and package-lock.json's copies of it), npm platform
//!   packages under bindings/node/npm/*/package.json and the root package's
//!   `optionalDependencies` on them;
//! - bindings/kotlin-swift/pom.xml's project `<version>` (not a parent's or a dependency's).
//!
//! `--check` fails when any of them drifts from the workspace version.

use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::codegen::Output;

pub fn outputs(root: &Path) -> Result<Vec<Output>> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
    };
    let manifest = root.join("Cargo.toml");
    let workspace = read(&manifest)?;
    let version = workspace_version(&workspace)?;

    let mut outputs =
        vec![Output { contents: rewrite_cargo_toml(&workspace, &version)?, path: manifest }];
    for member in members(root, &workspace)? {
        let text = read(&member)?;
        let contents =
            rewrite_cargo_toml(&text, &version).with_context(|| format!("{}", member.display()))?;
        outputs.push(Output { path: member, contents });
    }

    let pyproject = root.join("bindings/python/pyproject.toml");
    if pyproject.exists() {
        let contents = rewrite_pyproject(&read(&pyproject)?, &version).context("pyproject.toml")?;
        outputs.push(Output { path: pyproject, contents });
    }

    let node = root.join("bindings/node");
    let mut platforms = Vec::new();
    if let Ok(dirs) = std::fs::read_dir(node.join("npm")) {
        let mut paths: Vec<PathBuf> =
            dirs.filter_map(|d| Some(d.ok()?.path().join("package.json"))).collect();
        paths.sort();
        for path in paths.into_iter().filter(|p| p.exists()) {
            let text = read(&path)?;
            if let Some(name) = json_string_at(&text, &["name"])? {
                platforms.push(text[name].to_string());
            }
            let contents = set_json_strings(&text, &[&["version"]], &version)
                .with_context(|| format!("{}", path.display()))?;
            outputs.push(Output { path, contents });
        }
    }
    let package = node.join("package.json");
    if package.exists() {
        let text = read(&package)?;
        let mut paths: Vec<Vec<&str>> = vec![vec!["version"]];
        for name in &platforms {
            if json_string_at(&text, &["optionalDependencies", name])?.is_some() {
                paths.push(vec!["optionalDependencies", name]);
            }
        }
        let paths: Vec<&[&str]> = paths.iter().map(Vec::as_slice).collect();
        let contents = set_json_strings(&text, &paths, &version).context("package.json")?;
        outputs.push(Output { path: package, contents });
    }
    let lock = node.join("package-lock.json");
    if lock.exists() {
        let contents = set_json_strings(
            &read(&lock)?,
            &[&["version"], &["packages", "", "version"]],
            &version,
        )
        .context("package-lock.json")?;
        outputs.push(Output { path: lock, contents });
    }

    let pom = root.join("bindings/kotlin-swift/pom.xml");
    if pom.exists() {
        let contents = rewrite_pom(&read(&pom)?, &version).context("pom.xml")?;
        outputs.push(Output { path: pom, contents });
    }
    Ok(outputs)
}

/// The one version of every package: `[workspace.package] version` of `root`'s Cargo.toml.
pub fn workspace_version_of(root: &Path) -> Result<String> {
    let manifest = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    workspace_version(&text)
}

/// `version = "X"` under `[workspace.package]`.
fn workspace_version(text: &str) -> Result<String> {
    let mut section = String::new();
    for line in text.lines() {
        if let Some(name) = section_name(line) {
            section = name;
        } else if section == "workspace.package"
            && let Some(value) = key_value(line, "version")
        {
            let version = value.trim().trim_matches('"').to_string();
            let core = version.split(['-', '+']).next().unwrap_or_default();
            let parts: Vec<&str> = core.split('.').collect();
            if parts.len() != 3
                || !parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            {
                bail!("[workspace.package] version {version:?} is not MAJOR.MINOR.PATCH");
            }
            return Ok(version);
        }
    }
    bail!("the root Cargo.toml has no [workspace.package] version")
}

/// The manifests of `[workspace] members` (`dir/*` globs expanded, `exclude` left out).
fn members(root: &Path, text: &str) -> Result<Vec<PathBuf>> {
    let list = |key: &str| -> Vec<String> {
        let Some(start) = text.find(&format!("\n{key} = [")) else { return Vec::new() };
        let body = &text[start..];
        let body = &body[body.find('[').unwrap_or(0)..body.find(']').unwrap_or(body.len())];
        body.lines()
            .map(|l| l.split('#').next().unwrap_or_default())
            .flat_map(|l| l.split(','))
            .map(|s| s.trim().trim_start_matches('[').trim().trim_matches('"').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let exclude = list("exclude");
    let mut out = Vec::new();
    for member in list("members") {
        let dirs = match member.strip_suffix("/*") {
            Some(parent) => {
                let mut dirs: Vec<String> = std::fs::read_dir(root.join(parent))
                    .with_context(|| format!("workspace member glob {member}"))?
                    .filter_map(|d| Some(format!("{parent}/{}", d.ok()?.file_name().to_str()?)))
                    .collect();
                dirs.sort();
                dirs
            }
            None => vec![member],
        };
        for dir in dirs.into_iter().filter(|d| !exclude.contains(d)) {
            let manifest = root.join(&dir).join("Cargo.toml");
            if manifest.exists() {
                out.push(manifest);
            }
        }
    }
    Ok(out)
}

/// `[package] version` becomes `version.workspace = true`; every inline path dependency
/// gets `version = "X"`. Nothing else changes.
fn rewrite_cargo_toml(text: &str, version: &str) -> Result<String> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut section = String::new();
    let mut package_has_version = false;
    for line in text.split_inclusive('\n') {
        if let Some(name) = section_name(line) {
            if section == "package" && !package_has_version {
                bail!("[package] has no version: add `version.workspace = true`");
            }
            section = name;
            out.push_str(line);
            continue;
        }
        if section == "package" && line.trim_start().starts_with("version") {
            let key = line.trim_start().split(['=', ' ']).next().unwrap_or_default();
            if key == "version" || key == "version.workspace" {
                package_has_version = true;
                let eol = if line.ends_with('\n') { "\n" } else { "" };
                out.push_str("version.workspace = true");
                out.push_str(eol);
                continue;
            }
        }
        if section.ends_with("dependencies")
            && line.contains('{')
            && key_in_table(line, "path").is_some()
        {
            out.push_str(&set_dependency_version(line, version)?);
            continue;
        }
        out.push_str(line);
    }
    if section == "package" && !package_has_version {
        bail!("[package] has no version: add `version.workspace = true`");
    }
    Ok(out)
}

/// `name = { path = "..", version = "X", ... }`: the version written or replaced, after the
/// path when it was missing.
fn set_dependency_version(line: &str, version: &str) -> Result<String> {
    if let Some(range) = key_in_table(line, "version") {
        return Ok(format!("{}\"{version}\"{}", &line[..range.start], &line[range.end..]));
    }
    let path = key_in_table(line, "path").context("no path")?;
    Ok(format!("{}, version = \"{version}\"{}", &line[..path.end], &line[path.end..]))
}

/// The byte range of the quoted value (quotes included) of `key = "..."` inside an inline
/// table on one line.
fn key_in_table(line: &str, key: &str) -> Option<Range<usize>> {
    let open = line.find('{')?;
    let mut at = open + 1;
    while let Some(found) = line[at..].find(key) {
        let start = at + found;
        at = start + key.len();
        let before = line[..start].trim_end();
        if !(before.ends_with('{') || before.ends_with(',')) {
            continue;
        }
        let rest = line[at..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else { continue };
        let rest_start = line.len() - rest.len();
        let value = rest.trim_start();
        let value_start = rest_start + (rest.len() - value.len());
        if !value.starts_with('"') {
            return None;
        }
        let close = value[1..].find('"')?;
        return Some(value_start..value_start + close + 2);
    }
    None
}

/// `[project] version = "X"` rewritten, or `dynamic = [... "version" ...]` left for maturin
/// (which reads it from the binding's Cargo.toml).
fn rewrite_pyproject(text: &str, version: &str) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut section = String::new();
    let mut found = false;
    for line in text.split_inclusive('\n') {
        if let Some(name) = section_name(line) {
            section = name;
        } else if section == "project" {
            if key_value(line, "version").is_some() {
                let eol = if line.ends_with('\n') { "\n" } else { "" };
                out.push_str(&format!("version = \"{version}\"{eol}"));
                found = true;
                continue;
            }
            if key_value(line, "dynamic").is_some_and(|v| v.contains("\"version\"")) {
                found = true;
            }
        }
        out.push_str(line);
    }
    if !found {
        bail!("[project] needs `dynamic = [\"version\"]` (or a version line to rewrite)");
    }
    Ok(out)
}

/// The project's own `<version>` (a direct child of `<project>`).
fn rewrite_pom(text: &str, version: &str) -> Result<String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find('<') {
        let start = at + found;
        let rest = &text[start..];
        let end_of = |marker: &str| rest.find(marker).map(|e| start + e + marker.len());
        if rest.starts_with("<!--") {
            at = end_of("-->").context("unclosed comment")?;
            continue;
        }
        if rest.starts_with("<![CDATA[") {
            at = end_of("]]>").context("unclosed CDATA")?;
            continue;
        }
        at = end_of(">").context("unclosed tag")?;
        let tag = &text[start + 1..at - 1];
        if tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        if tag.starts_with('/') {
            stack.pop();
            continue;
        }
        let name = tag.split_whitespace().next().unwrap_or_default();
        if name == "version" && stack == ["project"] {
            let close = at + text[at..].find("</version>").context("unclosed <version>")?;
            return Ok(format!("{}{version}{}", &text[..at], &text[close..]));
        }
        stack.push(name);
    }
    bail!("no <version> in <project>")
}

/// Each JSON string value at one of `paths` (object keys from the top) set to `value`.
fn set_json_strings(text: &str, paths: &[&[&str]], value: &str) -> Result<String> {
    let mut ranges = Vec::new();
    for path in paths {
        let range = json_string_at(text, path)?
            .with_context(|| format!("no string at {}", path.join(".")))?;
        ranges.push(range);
    }
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for range in ranges {
        out.push_str(&text[last..range.start]);
        out.push_str(value);
        last = range.end;
    }
    out.push_str(&text[last..]);
    Ok(out)
}

/// The byte range (inside the quotes) of the string value at `path`, if there is one.
fn json_string_at(text: &str, path: &[&str]) -> Result<Option<Range<usize>>> {
    let mut json = Json { text, at: 0 };
    let found = json.value(Some(path))?;
    json.space();
    if json.at != text.len() {
        bail!("trailing text after the JSON value at byte {}", json.at);
    }
    Ok(found)
}

/// Just enough of a JSON reader to find where a value sits in the text.
struct Json<'a> {
    text: &'a str,
    at: usize,
}

impl Json<'_> {
    fn space(&mut self) {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<()> {
        self.space();
        if self.peek() != Some(byte) {
            bail!("expected {:?} at byte {}", byte as char, self.at);
        }
        self.at += 1;
        Ok(())
    }

    /// A string's contents (escapes left as written).
    fn string(&mut self) -> Result<Range<usize>> {
        self.expect(b'"')?;
        let start = self.at;
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.at) {
            match b {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    return Ok(start..self.at - 1);
                }
                _ => self.at += 1,
            }
        }
        bail!("unclosed string at byte {start}")
    }

    /// Reads one value; `want` is the rest of the path when this value lies on it.
    fn value(&mut self, want: Option<&[&str]>) -> Result<Option<Range<usize>>> {
        self.space();
        let mut found = None;
        match self.peek().context("unexpected end of JSON")? {
            b'"' => {
                let range = self.string()?;
                if want.is_some_and(|w| w.is_empty()) {
                    found = Some(range);
                }
            }
            b'{' => {
                self.at += 1;
                self.space();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                    return Ok(None);
                }
                loop {
                    let key = self.string()?;
                    self.expect(b':')?;
                    let next = match want {
                        Some([first, rest @ ..]) if &self.text[key] == *first => Some(rest),
                        _ => None,
                    };
                    if let Some(range) = self.value(next)? {
                        found = Some(range);
                    }
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            break;
                        }
                        _ => bail!("expected ',' or '}}' at byte {}", self.at),
                    }
                }
            }
            b'[' => {
                self.at += 1;
                self.space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(None);
                }
                loop {
                    self.value(None)?;
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            break;
                        }
                        _ => bail!("expected ',' or ']' at byte {}", self.at),
                    }
                }
            }
            _ => {
                let rest = &self.text[self.at..];
                let len = rest
                    .find(|c: char| c == ',' || c == '}' || c == ']' || c.is_whitespace())
                    .unwrap_or(rest.len());
                if len == 0 {
                    bail!("unexpected {:?} at byte {}", &rest[..1], self.at);
                }
                self.at += len;
            }
        }
        Ok(found)
    }
}

/// `[name]` or `[[name]]` -> `name`.
fn section_name(line: &str) -> Option<String> {
    let line = line.split('#').next()?.trim();
    let inner = line.strip_prefix('[')?.strip_suffix(']')?;
    Some(inner.trim_start_matches('[').trim_end_matches(']').trim().to_string())
}

/// The value text of `key = value` (comments dropped) when the line sets exactly `key`.
fn key_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.trim_start().strip_prefix(key)?.trim_start().strip_prefix('=')?;
    Some(rest.split('#').next().unwrap_or_default().trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_manifests_take_the_workspace_version() {
        let root = "[workspace]\nmembers = [\"a\"]\n\n[workspace.package]\nversion = \"0.3.0\"\n\n\
                    [workspace.dependencies]\na = { path = \"crates/a\" }\n\
                    b = { path = \"crates/b\", version = \"0.1.0\", optional = true }\nserde = \"1\"\n\
                    reqwest = { version = \"0.13\", features = [\"json\"] }\n";
        assert_eq!(workspace_version(root).unwrap(), "0.3.0");
        assert_eq!(
            rewrite_cargo_toml(root, "0.3.0").unwrap(),
            root.replace("path = \"crates/a\"", "path = \"crates/a\", version = \"0.3.0\"")
                .replace("version = \"0.1.0\"", "version = \"0.3.0\"")
        );

        let member = "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition.workspace = true\n\n\
                      [dependencies]\nc = { path = \"../c\" }\nserde = { version = \"1\" }\n";
        assert_eq!(
            rewrite_cargo_toml(member, "0.3.0").unwrap(),
            "[package]\nname = \"a\"\nversion.workspace = true\nedition.workspace = true\n\n\
             [dependencies]\nc = { path = \"../c\", version = \"0.3.0\" }\nserde = { version = \"1\" }\n"
        );
        assert!(
            rewrite_cargo_toml("[package]\nname = \"a\"\n\n[dependencies]\n", "0.3.0").is_err()
        );
        assert!(workspace_version("[workspace.package]\nversion = \"1.2\"\n").is_err());
    }

    #[test]
    fn json_pyproject_and_pom_versions() {
        let package = "{\n  \"name\": \"x\",\n  \"scripts\": { \"version\": \"echo\" },\n  \
                       \"version\": \"0.1.0\",\n  \"files\": [\"a\", {\"version\": \"9\"}, 1, true]\n}\n";
        assert_eq!(
            set_json_strings(package, &[&["version"]], "0.3.0").unwrap(),
            package.replace("\"0.1.0\"", "\"0.3.0\"")
        );
        let lock = "{\"version\":\"0.1.0\",\"packages\":{\"\":{\"version\":\"0.1.0\"},\"node_modules/y\":{\"version\":\"2.0.0\"}}}";
        assert_eq!(
            set_json_strings(lock, &[&["version"], &["packages", "", "version"]], "0.3.0").unwrap(),
            lock.replace("0.1.0", "0.3.0")
        );
        assert!(set_json_strings("{\"name\": \"x\"}", &[&["version"]], "0.3.0").is_err());

        let py = "[project]\nname = \"z\"\nversion = \"0.1.0\"\n\n[tool.x]\nversion = \"7\"\n";
        assert_eq!(rewrite_pyproject(py, "0.3.0").unwrap(), py.replacen("0.1.0", "0.3.0", 1));
        let dynamic = "[project]\nname = \"z\"\ndynamic = [\"version\"]\n";
        assert_eq!(rewrite_pyproject(dynamic, "0.3.0").unwrap(), dynamic);
        assert!(rewrite_pyproject("[project]\nname = \"z\"\n", "0.3.0").is_err());

        let pom = "<?xml version=\"1.0\"?>\n<project>\n  <!-- <version>c</version> -->\n  \
                   <parent><version>1.0</version></parent>\n  <artifactId>z</artifactId>\n  \
                   <version>0.1.0</version>\n  <dependencies><dependency><version>2</version>\
                   </dependency></dependencies>\n</project>\n";
        assert_eq!(
            rewrite_pom(pom, "0.3.0").unwrap(),
            pom.replace("<version>0.1.0</version>", "<version>0.3.0</version>")
        );
    }

    /// The whole emitter over a small tree whose manifests drifted: every drifted file comes
    /// back different (what `cargo xtask codegen --check` reports), and the rest unchanged.
    #[test]
    fn drifted_versions_are_caught() {
        let root = std::env::temp_dir().join(format!("xtask-versions-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "Cargo.toml",
            "[workspace]\nmembers = [\n    \"crates/*\",\n    \"tool\",\n]\nexclude = [\"fuzz\"]\n\n\
             [workspace.package]\nversion = \"0.2.0\"\n\n\
             [workspace.dependencies]\ncore = { path = \"crates/core\", version = \"0.2.0\" }\n",
        );
        write("crates/core/Cargo.toml", "[package]\nname = \"core\"\nversion.workspace = true\n");
        write("crates/cli/Cargo.toml", "[package]\nname = \"cli\"\nversion = \"0.1.0\"\n");
        write("tool/Cargo.toml", "[package]\nname = \"tool\"\nversion.workspace = true\n");
        write("fuzz/Cargo.toml", "[package]\nname = \"fuzz\"\nversion = \"0.0.0\"\n");
        write(
            "bindings/python/pyproject.toml",
            "[project]\nname = \"z\"\ndynamic = [\"version\"]\n",
        );
        write("bindings/node/package.json", "{\n  \"name\": \"z\",\n  \"version\": \"0.1.0\"\n}\n");
        write(
            "bindings/kotlin-swift/pom.xml",
            "<?xml version=\"1.0\"?>\n<!-- not <version>this</version> -->\n<project xmlns=\"x\"\n  \
             xmlns:xsi=\"y\">\n  <version>0.1.0</version>\n  <properties><v>${x.version}</v>\
             </properties>\n</project>\n",
        );

        let stale: Vec<String> = outputs(&root)
            .unwrap()
            .into_iter()
            .filter(|out| std::fs::read_to_string(&out.path).unwrap() != out.contents)
            .map(|out| out.path.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(
            stale,
            [
                "crates/cli/Cargo.toml",
                "bindings/node/package.json",
                "bindings/kotlin-swift/pom.xml"
            ]
        );
    }
}
