//! Helpers shared by the end-to-end tests: run the `strata` binary in a
//! folder, find fixtures, compare with a readable failure message.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixture(rel: &str) -> PathBuf {
    repo().join(rel)
}

/// The CoNLL-U fixtures of strata-conllu (every treebank shape), sorted.
pub fn conllu_fixtures() -> Vec<PathBuf> {
    let dir = fixture("crates/strata-conllu/tests/data");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "conllu"));
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    files
}

/// Runs `strata` with these arguments in `dir`, feeding `stdin`.
pub fn strata_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    strata_env(dir, args, &[], stdin)
}

/// [`strata_in`] with environment variables set (`Some`) or removed (`None`).
pub fn strata_env(dir: &Path, args: &[&str], env: &[(&str, Option<&str>)], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
    cmd.args(args).current_dir(dir).stdout(Stdio::piped()).stderr(Stdio::piped());
    for &(name, value) in env {
        match value {
            Some(v) => cmd.env(name, v),
            None => cmd.env_remove(name),
        };
    }
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = cmd.spawn().expect("strata runs");
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

pub fn strata(dir: &Path, args: &[&str]) -> Output {
    strata_in(dir, args, None)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the exit status, printing both streams when it differs.
#[macro_export]
macro_rules! assert_status {
    ($out:expr, $code:expr) => {{
        let out = &$out;
        assert_eq!(
            out.status.code(),
            Some($code),
            "\n--- stdout ---\n{}\n--- stderr ---\n{}",
            $crate::common::text(&out.stdout),
            $crate::common::text(&out.stderr)
        );
    }};
}

pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}
