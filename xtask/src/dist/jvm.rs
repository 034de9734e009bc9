//! The JVM library as Maven builds it: the jar (classes + the plain native library for this
//! platform, no testing hooks + the licences) deployed with its POM into a Maven
//! repository in file layout, `target/dist/maven/`, which a consumer project reads like any
//! remote repository. The POM declares kotlin-stdlib, kotlinx-coroutines-core and JNA.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{Profile, path_str};
use crate::util;

/// Returns the repository directory.
pub fn build(root: &Path, dist: &Path, profile: Profile) -> Result<PathBuf> {
    let jar = crate::bindings::uniffi::dist_jar(root, profile == Profile::Release)?;
    let repo = dist.join("maven");
    std::fs::create_dir_all(&repo)?;
    let pom = root.join("bindings/kotlin-swift/pom.xml");
    let url = format!("file://{}", repo.display());
    util::run(
        root,
        "mvn",
        &[
            "-B",
            "-q",
            "--no-transfer-progress",
            "deploy:deploy-file",
            &format!("-Dfile={}", path_str(&jar)?),
            &format!("-DpomFile={}", path_str(&pom)?),
            &format!("-Durl={url}"),
            "-DrepositoryId=dist",
        ],
    )?;
    Ok(repo)
}

/// The jar and POM files in the repository (checksums and metadata left out).
pub fn artifacts(repo: &Path) -> Vec<PathBuf> {
    let files = crate::bindings::uniffi::walk(repo).unwrap_or_default();
    files.into_iter().filter(|p| p.extension().is_some_and(|x| x == "jar" || x == "pom")).collect()
}
