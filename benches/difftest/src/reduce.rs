//! Shrink a failing program while it keeps failing the same way.
//!
//! Reduction works on the AST, not on text: removing a function (with every statement that calls
//! it) or a set of statements always yields a well-formed program, and the statement design
//! (self-contained blocks, see `program`) makes most such programs compile. The interestingness
//! test is supplied by the caller (build with both toolchains, compare, same kind and side of
//! difference); a candidate that no longer compiles is simply not interesting.
//!
//! Strategy: first whole functions, then parameters, then ddmin-style chunks of statements (halves, quarters, ...
//! down to single statements, outer statements before the ones nested in them), then loops,
//! blocks and closures replaced by their bodies; repeated until a full round removes nothing or
//! the test budget is spent.

use crate::program::Program;

pub struct Reduced {
    pub program: Program,
    /// How many candidates were tested.
    pub tests: usize,
    /// The budget ran out before a fixpoint.
    pub exhausted: bool,
}

pub fn reduce(original: &Program, budget: usize, interesting: &mut dyn FnMut(&Program) -> bool) -> Reduced {
    let mut p = original.clone();
    let mut tests = 0;
    let mut try_candidate = |cand: Program, p: &mut Program, tests: &mut usize| -> bool {
        if *tests >= budget {
            return false;
        }
        *tests += 1;
        if interesting(&cand) {
            *p = cand;
            true
        } else {
            false
        }
    };
    loop {
        let before = (p.fns.len(), p.stmt_count(), p.param_count());
        // Functions, deepest callee first (they are the leaves of the call DAG).
        let indices: Vec<usize> = p.fns.iter().map(|f| f.index).filter(|&i| i != 0).rev().collect();
        for i in indices {
            let cand = p.without_fn(i);
            try_candidate(cand, &mut p, &mut tests);
        }
        // Parameters (with the arguments passed to them and the statements that use them).
        let slots: Vec<(usize, usize)> = p
            .fns
            .iter()
            .flat_map(|f| f.params.iter().map(move |(k, _)| (f.index, *k)))
            .collect();
        for (index, slot) in slots {
            let cand = p.without_param(index, slot);
            try_candidate(cand, &mut p, &mut tests);
        }
        // Statements, ddmin-style.
        let mut chunk = p.stmt_count().div_ceil(2).max(1);
        loop {
            let mut i = 0;
            loop {
                let ids = p.stmt_ids();
                if i >= ids.len() {
                    break;
                }
                let end = (i + chunk).min(ids.len());
                let cand = p.without_stmts(&ids[i..end]);
                if !try_candidate(cand, &mut p, &mut tests) {
                    i += chunk;
                }
                if tests >= budget {
                    break;
                }
            }
            if chunk == 1 || tests >= budget {
                break;
            }
            chunk = chunk.div_ceil(2);
        }
        // Loops, blocks and closures replaced by their bodies.
        for id in p.nesting_ids() {
            if p.stmt_ids().contains(&id) {
                let cand = p.flattened(id);
                try_candidate(cand, &mut p, &mut tests);
            }
        }
        if tests >= budget || (p.fns.len(), p.stmt_count(), p.param_count()) == before {
            break;
        }
    }
    Reduced {
        program: p,
        tests,
        exhausted: tests >= budget,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate;

    /// With a predicate that only needs one statement, reduction keeps just that one.
    #[test]
    fn shrinks_to_the_needed_statement() {
        let p = (0..50)
            .map(generate)
            .find(|p| p.stmt_count() > 15)
            .expect("a big program");
        let target = *p.stmt_ids().last().unwrap();
        let mut pred = |c: &Program| c.stmt_ids().contains(&target);
        let r = reduce(&p, 10_000, &mut pred);
        // What remains is the statement and at most the loops/blocks around it.
        let kept = r.program.stmt_ids();
        assert!(kept.contains(&target) && kept.len() <= 3, "{kept:?}");
        assert!(!r.exhausted);
    }

    #[test]
    fn respects_the_budget() {
        let p = generate(3);
        let mut n = 0;
        let mut pred = |_: &Program| {
            n += 1;
            false
        };
        let r = reduce(&p, 5, &mut pred);
        assert_eq!(r.tests, 5);
        assert!(r.exhausted);
        assert_eq!(r.program, p);
    }
}
