//! In-process timing of the phases of a one-draft run (no timed assertions: a benchmark,
//! run with `cargo bench --bench phases`). Prints the median of several runs per phase.

use std::time::Instant;
use webcare_lint::engine::{Context, Linter, Selection};
use webcare_lint::packs;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    // `PHASE=parse` loops over pack parsing only, for a profiler.
    if std::env::var("PHASE").as_deref() == Ok("parse") {
        for _ in 0..200 {
            std::hint::black_box(packs::builtin().unwrap());
        }
        return;
    }
    // `PHASE=build` loops over building the linter only.
    if std::env::var("PHASE").as_deref() == Ok("build") {
        let p = packs::builtin().unwrap();
        for _ in 0..200 {
            std::hint::black_box(Linter::new(&p, &Selection::default()).unwrap());
        }
        return;
    }
    // `PHASE=replies` times the per-reply work over a library's texts (analysis alone, then
    // the whole check), without reading, parsing or reporting.
    if std::env::var("PHASE").as_deref() == Ok("replies") {
        let path = std::env::var("LIBRARY")
            .unwrap_or_else(|_| "/tmp/webcare-corpus/replies-10k.jsonl".into());
        let texts: Vec<String> = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e} (run benches/run.sh once to generate it)"))
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["text"].as_str().unwrap_or_default().to_string()
            })
            .collect();
        let p = packs::builtin().unwrap();
        let l = Linter::new(&p, &Selection::default()).unwrap();
        let ctx = Context::default();
        let per = |f: &dyn Fn(&str) -> usize| {
            // The fastest of several runs: the machine's noise only ever adds time.
            (0..9)
                .map(|_| {
                    let t = Instant::now();
                    let n: usize = texts.iter().map(|t| f(t)).sum();
                    std::hint::black_box(n);
                    t.elapsed().as_secs_f64() * 1e6 / texts.len() as f64
                })
                .fold(f64::INFINITY, f64::min)
        };
        let analysis = per(&|t| webcare_lint::text::Analysis::new(t).words.len());
        // Every reply analysed in full and checked, as before replies without any finding
        // were let go after the pass over their words.
        let analysed = per(&|t| {
            let a = webcare_lint::text::Analysis::new(t);
            l.check_analysis(&a, &ctx).len()
        });
        let check = per(&|t| l.check(t, &ctx).len());
        let clean = texts.iter().filter(|t| l.is_clean(t, &ctx)).count();
        println!("{} replies from {path}, one core:", texts.len());
        println!("analysis (words, folding, masks): {analysis:.2} µs per reply");
        println!("check, every reply analysed:      {analysed:.2} µs per reply");
        println!(
            "whole check:                      {check:.2} µs per reply ({:.1}% let go after the pass over their words)",
            100.0 * clean as f64 / texts.len() as f64
        );
        return;
    }
    let draft = std::fs::read_to_string("/tmp/webcare-corpus/single/reply-violation.txt")
        .unwrap_or_else(|_| {
            "Hoi Sanne, wat vervelend! Bel even met onze klantenservice op 088-1234567.\n^Mark"
                .into()
        });
    let runs = 15;
    let (mut parse, mut build, mut first, mut warm) = (vec![], vec![], vec![], vec![]);
    for _ in 0..runs {
        let t = Instant::now();
        let p = packs::builtin().unwrap();
        parse.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let l = Linter::new(&p, &Selection::default()).unwrap();
        build.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let n = l.check(&draft, &Context::default()).len();
        first.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        for _ in 0..100 {
            assert_eq!(l.check(&draft, &Context::default()).len(), n);
        }
        warm.push(t.elapsed().as_secs_f64() * 1e3 / 100.0);
    }
    println!(
        "parse built-in packs (TOML → validated rules): {:.2} ms",
        median(parse)
    );
    println!(
        "build linter (word index, regex literals):     {:.2} ms",
        median(build)
    );
    println!(
        "first check (lazy regexes compile):            {:.3} ms",
        median(first)
    );
    println!(
        "check one draft, warm:                         {:.3} ms",
        median(warm)
    );
}
