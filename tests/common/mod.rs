//! Shared by the integration tests: a scratch directory per test, and the true/false
//! positive counts of the accuracy tests. Each test binary uses part of it.
#![allow(dead_code)]

use std::path::PathBuf;

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
