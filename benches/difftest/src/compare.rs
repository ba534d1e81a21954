//! Two builds of the same program -> a verdict.
//!
//! Only the transcript is compared: everything the program prints before the sizes marker
//! (results, drop log, poll and wake counts) plus how the run ended. Future sizes follow the
//! marker and are expected to differ between compilers, so they are parsed, never compared.

use crate::build::Build;
use crate::prelude::SIZES_MARKER;
use harness::rustc::Outcome;
use serde::Serialize;

/// What kind of difference two builds show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    /// Both ran to the end, printed different transcripts.
    Transcript,
    /// One side compiled, the other rejected the program.
    CompileOneSide,
    /// Both rejected it: a generator bug, not a compiler difference.
    BothRejected,
    /// A compiler crashed (ICE or signal).
    Ice,
    /// A program crashed or exited with an error on at least one side.
    Crash,
    /// A compile or a run exceeded its time limit.
    TimedOut,
    /// Both behave alike, but valgrind's memcheck objects to at least one side (`--memcheck`):
    /// an invalid access, a use of uninitialised bytes, or another output under valgrind.
    Memcheck,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub kind: DiffKind,
    /// Which side misbehaved: "a", "b" or "both" (for transcripts: "both").
    pub side: String,
    /// One line for logs: the first differing transcript line or the failing step.
    pub detail: String,
}

impl Difference {
    /// The reducer keeps a candidate only if it fails the same way (kind and side).
    pub fn same_failure(&self, other: &Difference) -> bool {
        self.kind == other.kind && self.side == other.side
    }
}

/// The compared part of a program's stdout.
pub fn transcript(stdout: &str) -> &str {
    match stdout.find(SIZES_MARKER) {
        Some(i) => &stdout[..i],
        None => stdout,
    }
}

/// The sizes section: `(fn name, bytes)` per line.
pub fn sizes(stdout: &str) -> Vec<(String, u64)> {
    let Some(i) = stdout.find(SIZES_MARKER) else {
        return Vec::new();
    };
    stdout[i + SIZES_MARKER.len()..]
        .lines()
        .filter_map(|l| {
            let (name, n) = l.split_once(' ')?;
            Some((name.to_string(), n.trim().parse().ok()?))
        })
        .collect()
}

fn side(a: bool, b: bool) -> String {
    match (a, b) {
        (true, true) => "both",
        (true, false) => "a",
        _ => "b",
    }
    .to_string()
}

/// `None` when the two builds behave identically.
pub fn compare(a: &Build, b: &Build) -> Option<Difference> {
    let ice = |o: &Outcome| matches!(o, Outcome::Ice { .. } | Outcome::Crashed { .. });
    let timed_out = |o: &Outcome| matches!(o, Outcome::TimedOut { .. });
    let failing = |x: &Build| {
        if x.compile.is_success() {
            None
        } else {
            Some(x.compile.summary())
        }
    };
    let detail = || failing(a).or_else(|| failing(b)).unwrap_or_default();
    if ice(&a.compile) || ice(&b.compile) {
        let (sa, sb) = (ice(&a.compile), ice(&b.compile));
        return Some(Difference {
            kind: DiffKind::Ice,
            side: side(sa, sb),
            detail: detail(),
        });
    }
    if timed_out(&a.compile) || timed_out(&b.compile) {
        let (sa, sb) = (timed_out(&a.compile), timed_out(&b.compile));
        return Some(Difference {
            kind: DiffKind::TimedOut,
            side: side(sa, sb),
            detail: detail(),
        });
    }
    match (a.compile.is_success(), b.compile.is_success()) {
        (false, false) => {
            return Some(Difference {
                kind: DiffKind::BothRejected,
                side: "both".into(),
                detail: detail(),
            });
        }
        (true, false) | (false, true) => {
            let sa = !a.compile.is_success();
            return Some(Difference {
                kind: DiffKind::CompileOneSide,
                side: side(sa, !sa),
                detail: detail(),
            });
        }
        (true, true) => {}
    }
    let (ra, rb) = (a.run.as_ref()?, b.run.as_ref()?);
    let run_timed_out = (timed_out(&ra.outcome), timed_out(&rb.outcome));
    if run_timed_out.0 || run_timed_out.1 {
        return Some(Difference {
            kind: DiffKind::TimedOut,
            side: side(run_timed_out.0, run_timed_out.1),
            detail: "the program timed out".into(),
        });
    }
    let (fa, fb) = (!ra.outcome.is_success(), !rb.outcome.is_success());
    if fa || fb {
        let which = if fa { &ra.outcome } else { &rb.outcome };
        return Some(Difference {
            kind: DiffKind::Crash,
            side: side(fa, fb),
            detail: format!("program {}", which.summary()),
        });
    }
    let (ta, tb) = (transcript(&ra.stdout), transcript(&rb.stdout));
    if ta != tb {
        let (la, lb): (Vec<&str>, Vec<&str>) = (ta.lines().collect(), tb.lines().collect());
        let i = (0..la.len().max(lb.len()))
            .find(|&i| la.get(i) != lb.get(i))
            .unwrap_or(0);
        return Some(Difference {
            kind: DiffKind::Transcript,
            side: "both".into(),
            detail: format!(
                "line {}: `{}` vs `{}`",
                i + 1,
                la.get(i).unwrap_or(&"<end>"),
                lb.get(i).unwrap_or(&"<end>")
            ),
        });
    }
    let problem = |x: &Build| x.memcheck.as_ref().and_then(|m| m.problem());
    let (ma, mb) = (problem(a), problem(b));
    if ma.is_some() || mb.is_some() {
        // The other side's report first: with the reference as `a`, that is the one compared.
        let detail = match (&ma, &mb) {
            (Some(x), Some(y)) => format!("b: {y}; a: {x}"),
            (Some(x), None) => format!("a: {x}"),
            (None, Some(y)) => format!("b: {y}"),
            (None, None) => unreachable!(),
        };
        return Some(Difference {
            kind: DiffKind::Memcheck,
            side: side(ma.is_some(), mb.is_some()),
            detail,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_split_off() {
        let out = format!("== transcript ==\nroot = 1\n{SIZES_MARKER}\nf0 24\nf1 1030\n");
        assert_eq!(transcript(&out), "== transcript ==\nroot = 1\n");
        assert_eq!(sizes(&out), vec![("f0".into(), 24), ("f1".into(), 1030)]);
    }
}
