//! Shared by the integration tests: a scratch directory per test, reading a JSON report,
//! and the true/false positive counts of the accuracy tests. Each test binary uses part of
//! it.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;

/// A run's stdout as JSON; says what was printed when it is not.
pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// The rule ids of a JSON report's diagnostics, in report order.
pub fn rules_of(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

/// A fresh, empty directory for one test (the process id keeps parallel runs apart).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("webcare-lint-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    /// Counts one (labelled, predicted) pair.
    pub fn add(&mut self, labelled: bool, predicted: bool) {
        match (labelled, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }

    /// 1.0 when nothing was predicted (no false positive).
    pub fn precision(self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }

    /// 1.0 when nothing was labelled.
    pub fn recall(self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}
