//! What every `zkbio` test starts from: a sandbox served by its own runtime while the test
//! thread runs `zkbio`, and `zkbio` logged in to it, run in a temp dir with no stray
//! environment.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use zkbiotime_sandbox::{Sandbox, SandboxBuilder};

pub const BIN: &str = env!("CARGO_BIN_EXE_zkbio");

pub struct Site {
    pub sandbox: Sandbox,
    pub dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

impl Site {
    pub fn start(builder: SandboxBuilder) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime.block_on(builder.spawn()).expect("sandbox starts");
        Site { sandbox, dir: tempfile::tempdir().unwrap(), _runtime: runtime }
    }

    /// The manual's demo data.
    pub fn demo() -> Self {
        Self::start(SandboxBuilder::new())
    }

    /// `zkbio` logged in to this sandbox, run in the temp dir, with no stray environment;
    /// stdin is not a terminal (assert_cmd's default).
    pub fn zkbio(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.current_dir(self.dir.path())
            .env_remove("ZKBIO_TOKEN")
            .env_remove("ZKBIO_TIMEZONE")
            .env_remove("ZKBIO_CA_BUNDLE")
            .env_remove("ZKBIO_SYNC_CRASH")
            .env_remove("ZKBIO_LOG")
            .env("ZKBIO_URL", self.sandbox.url())
            .env("ZKBIO_USERNAME", self.sandbox.username())
            .env("ZKBIO_PASSWORD", self.sandbox.password())
            .timeout(Duration::from_secs(120));
        cmd
    }

    /// A file in the temp dir.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}
